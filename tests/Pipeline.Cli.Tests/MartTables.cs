using DuckDB.NET.Data;
using Pipeline.Warehouse;
using Pipeline.Warehouse.DuckDb;
using Pipeline.Warehouse.Marts;

namespace Pipeline.Cli.Tests;

/// <summary>
/// Tests that write staging rows straight into a warehouse (no sync, so no refresh) rebuild the mart tables after,
/// with the statements of <c>pipeline marts rebuild</c>, before reading KPIs.
/// </summary>
internal static class MartTables
{
    public static async Task RebuildAsync(DuckDBConnection connection)
    {
        foreach (var mart in DuckDbWarehouse.MartDefinitions(new ReportingSettings()))
        {
            foreach (var sql in new[] { MartRefreshStatements.Delete(mart, null), MartRefreshStatements.Insert(mart, null) })
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                await command.ExecuteNonQueryAsync();
            }
        }
    }
}
