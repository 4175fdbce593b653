using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Engine.Transactions;
using DbUp.Support;
using DuckDB.NET.Data;

namespace Pipeline.Warehouse.DuckDb.DbUp;

/// <summary>Runs DuckDB scripts; an engine error is reported with the script's name.</summary>
public sealed class DuckDbScriptExecutor : ScriptExecutor
{
    public DuckDbScriptExecutor(
        Func<IConnectionManager> connectionManagerFactory,
        Func<IUpgradeLog> log,
        string? schema,
        Func<bool> variablesEnabled,
        IEnumerable<IScriptPreprocessor> scriptPreprocessors,
        Func<IJournal> journalFactory)
        : base(connectionManagerFactory, new DuckDbObjectParser(), log, schema!, variablesEnabled, scriptPreprocessors, journalFactory)
    {
    }

    protected override string GetVerifySchemaSql(string schema) => $"CREATE SCHEMA IF NOT EXISTS \"{schema}\"";

    protected override void ExecuteCommandsWithinExceptionHandler(int index, SqlScript script, Action executeCallback)
    {
        try
        {
            executeCallback();
        }
        catch (DuckDBException ex)
        {
            Log().LogError("DuckDB error in script '{0}': {1}", script.Name, ex.Message);
            throw;
        }
    }
}
