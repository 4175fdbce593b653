using System.Data;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Engine.Transactions;
using DbUp.Support;

namespace Pipeline.Warehouse.DuckDb.DbUp;

/// <summary>
/// Journal of applied versioned scripts. Run-always scripts (views) are not journaled: they run on every
/// deploy, so a row per deploy would only make a second, unchanged migrate look like a change.
/// </summary>
public sealed class DuckDbTableJournal : TableJournal
{
    public DuckDbTableJournal(Func<IConnectionManager> connectionManager, Func<IUpgradeLog> logger, string schema, string table)
        : base(connectionManager, logger, new DuckDbObjectParser(), schema, table)
    {
    }

    public override void StoreExecutedScript(SqlScript script, Func<IDbCommand> dbCommandFactory)
    {
        if (script.SqlScriptOptions.ScriptType == global::DbUp.Support.ScriptType.RunAlways)
        {
            return;
        }

        base.StoreExecutedScript(script, dbCommandFactory);
    }

    // DbUp names its parameters '@name'; DuckDB binds named parameters as '$name'.
    protected override string GetInsertJournalEntrySql(string scriptName, string applied) =>
        $"INSERT INTO {FqSchemaTableName} (script_name, applied) VALUES (${scriptName.TrimStart('@')}, ${applied.TrimStart('@')})";

    protected override string GetJournalEntriesSql() =>
        $"SELECT script_name FROM {FqSchemaTableName} ORDER BY script_name";

    protected override string CreateSchemaTableSql(string quotedPrimaryKeyName) =>
        $"""
        CREATE SCHEMA IF NOT EXISTS {SchemaTableSchema};
        CREATE TABLE {FqSchemaTableName} (
            script_name VARCHAR NOT NULL PRIMARY KEY,
            applied TIMESTAMP NOT NULL
        );
        """;

    protected override string DoesTableExistSql() =>
        $"SELECT count(*) FROM information_schema.tables WHERE table_schema = '{SchemaTableSchema}' AND table_name = '{UnquotedSchemaTableName}'";
}
