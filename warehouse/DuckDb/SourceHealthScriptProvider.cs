using DbUp.Engine;
using DbUp.Engine.Transactions;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse.Health;

namespace Pipeline.Warehouse.DuckDb;

/// <summary><c>mart.source_health</c>, generated from the streams' staging tables on every deploy, after them and the views.</summary>
internal sealed class SourceHealthScriptProvider(IReadOnlyCollection<StreamDescriptor> streams) : IScriptProvider
{
    public const int RunGroup = 4;

    public IEnumerable<SqlScript> GetScripts(IConnectionManager connectionManager)
    {
        yield return new SqlScript(
            "health/mart_source_health",
            SourceHealthView.Script(streams, DuckDbSemanticDialect.Instance, DuckDbTypes.Quote, DuckDbTypes.StagingTable),
            new SqlScriptOptions { ScriptType = global::DbUp.Support.ScriptType.RunAlways, RunGroupOrder = RunGroup });
    }
}
