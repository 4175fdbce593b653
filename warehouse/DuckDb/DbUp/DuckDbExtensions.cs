using DbUp.Builder;
using DbUp.Engine.Transactions;

namespace Pipeline.Warehouse.DuckDb.DbUp;

/// <summary><c>DeployChanges.To.DuckDb(connectionString)</c>, shaped like DbUp's own providers.</summary>
public static class DuckDbExtensions
{
    public const string JournalSchema = "etl";
    public const string JournalTable = "schema_versions";

    public static UpgradeEngineBuilder DuckDb(this SupportedDatabases supported, string connectionString) =>
        DuckDb(supported, new DuckDbConnectionManager(connectionString));

    public static UpgradeEngineBuilder DuckDb(this SupportedDatabases supported, IConnectionManager connectionManager)
    {
        ArgumentNullException.ThrowIfNull(supported);
        var builder = new UpgradeEngineBuilder();
        builder.Configure(c => c.ConnectionManager = connectionManager);
        builder.Configure(c => c.Journal = new DuckDbTableJournal(() => c.ConnectionManager, () => c.Log, JournalSchema, JournalTable));
        builder.Configure(c => c.ScriptExecutor = new DuckDbScriptExecutor(
            () => c.ConnectionManager, () => c.Log, null, () => c.VariablesEnabled, c.ScriptPreprocessors, () => c.Journal));
        return builder;
    }
}
