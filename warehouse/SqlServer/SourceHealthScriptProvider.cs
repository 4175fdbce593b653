using DbUp.Engine;
using DbUp.Engine.Transactions;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse.Health;

namespace Pipeline.Warehouse.SqlServer;

/// <summary><c>mart.source_health</c>, generated from the streams' staging tables on every deploy, after them and the views.</summary>
internal sealed class SourceHealthScriptProvider(IReadOnlyCollection<StreamDescriptor> streams) : IScriptProvider
{
    public const int RunGroup = SqlServerWarehouse.SemanticRunGroup + 1;

    public IEnumerable<SqlScript> GetScripts(IConnectionManager connectionManager)
    {
        yield return new SqlScript(
            "health/mart_source_health",
            SourceHealthView.Script(streams, SqlServerSemanticDialect.Instance, SqlServerTypes.Quote, SqlServerTypes.StagingTable),
            new SqlScriptOptions { ScriptType = global::DbUp.Support.ScriptType.RunAlways, RunGroupOrder = RunGroup });
    }
}
