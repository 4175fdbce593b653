using Pipeline.Warehouse.DuckDb;
using Pipeline.Warehouse.Marts;

namespace Pipeline.Marts.Tests;

/// <summary>
/// For tests that change what the marts read (dw.settings) inside a transaction they roll back: the statements of a
/// rebuild, every mart table recomputed whole from its definition in dependency order.
/// </summary>
internal static class MartTables
{
    public static IEnumerable<string> RebuildStatements() =>
        DuckDbWarehouse.MartDefinitions(SandboxWarehouse.Reporting)
            .SelectMany(m => new[] { MartRefreshStatements.Delete(m, null), MartRefreshStatements.Insert(m, null) });
}
