using System.Data;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Engine.Transactions;
using DbUp.SqlServer;

namespace Pipeline.Warehouse.SqlServer.DbUp;

/// <summary>
/// Journal of applied versioned scripts in <c>etl.schema_versions</c>, with DuckDB's column names. Run-always
/// scripts (staging tables, views) are not journaled: they run on every deploy, so a row per deploy would only
/// make a second, unchanged migrate look like a change. The journal creates the <c>etl</c> schema, owned by dbo
/// like every layer, so views read staging through one ownership chain.
/// </summary>
internal sealed class SqlServerTableJournal : SqlTableJournal
{
    public SqlServerTableJournal(Func<IConnectionManager> connectionManager, Func<IUpgradeLog> logger, string schema, string table)
        : base(connectionManager, logger, schema, table)
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

    protected override string GetInsertJournalEntrySql(string scriptName, string applied) =>
        $"INSERT INTO {FqSchemaTableName} (script_name, applied) VALUES ({scriptName}, {applied})";

    protected override string GetJournalEntriesSql() =>
        $"SELECT script_name FROM {FqSchemaTableName} ORDER BY script_name";

    protected override string CreateSchemaTableSql(string quotedPrimaryKeyName) =>
        CreateTableSql(SchemaTableSchema.Trim('[', ']'), FqSchemaTableName, quotedPrimaryKeyName);

    internal static string CreateTableSql(string schema, string table, string quotedPrimaryKeyName) =>
        $"""
        IF SCHEMA_ID(N'{schema}') IS NULL EXEC (N'CREATE SCHEMA [{schema}] AUTHORIZATION dbo');
        CREATE TABLE {table} (
            script_name nvarchar(255) NOT NULL CONSTRAINT {quotedPrimaryKeyName} PRIMARY KEY,
            applied datetime2(3) NOT NULL
        );
        """;
}
