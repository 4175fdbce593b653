using System.Text;
using DbUp.Engine;
using DbUp.Engine.Transactions;
using Pipeline.Connectors.Streams;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>
/// One run-always DbUp script per stream: its staging table comes from the stream's own schema (one definition),
/// and fields a connector adds later become new columns. Runs after versioned scripts, before views.
/// </summary>
internal sealed class StagingTablesScriptProvider(IReadOnlyCollection<StreamDescriptor> streams) : IScriptProvider
{
    public const int RunGroup = 1;

    public IEnumerable<SqlScript> GetScripts(IConnectionManager connectionManager) =>
        streams
            .OrderBy(s => s.TableName, StringComparer.Ordinal)
            .Select(s => new SqlScript(
                $"staging/{s.TableName}",
                CreateTableSql(s),
                new SqlScriptOptions { ScriptType = global::DbUp.Support.ScriptType.RunAlways, RunGroupOrder = RunGroup }));

    public static string CreateTableSql(StreamDescriptor stream)
    {
        var table = DuckDbTypes.StagingTable(stream);
        var sql = new StringBuilder();
        sql.Append("CREATE TABLE IF NOT EXISTS ").Append(table).AppendLine(" (");
        foreach (var field in stream.Fields)
        {
            sql.Append("    ").Append(DuckDbTypes.Quote(field.Name)).Append(' ').Append(DuckDbTypes.ColumnType(field.Type)).AppendLine(",");
        }

        sql.AppendLine("    _account_id VARCHAR NOT NULL,");
        sql.AppendLine("    _run_id VARCHAR NOT NULL,");
        sql.AppendLine("    _loaded_at TIMESTAMP NOT NULL");
        sql.AppendLine(");");
        foreach (var field in stream.Fields)
        {
            sql.Append("ALTER TABLE ").Append(table).Append(" ADD COLUMN IF NOT EXISTS ")
                .Append(DuckDbTypes.Quote(field.Name)).Append(' ').Append(DuckDbTypes.ColumnType(field.Type)).AppendLine(";");
        }

        foreach (var field in stream.Fields.Where(f => f.Description is not null))
        {
            sql.Append("COMMENT ON COLUMN ").Append(table).Append('.').Append(DuckDbTypes.Quote(field.Name))
                .Append(" IS '").Append(field.Description!.Replace("'", "''", StringComparison.Ordinal)).AppendLine("';");
        }

        return sql.ToString();
    }
}
