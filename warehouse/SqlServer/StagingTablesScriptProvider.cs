using System.Text;
using DbUp.Engine;
using DbUp.Engine.Transactions;
using Pipeline.Connectors.Streams;
using static Pipeline.Warehouse.SqlServer.SqlServerTypes;

namespace Pipeline.Warehouse.SqlServer;

/// <summary>
/// One run-always script per stream: its staging table comes from the stream's own schema (one definition), and
/// fields a connector adds later become new columns. Report tables are clustered columnstore; entity and snapshot
/// tables are clustered on (account, key) (see warehouse/SqlServer/README.md for why).
/// </summary>
internal sealed class StagingTablesScriptProvider(IReadOnlyCollection<StreamDescriptor> streams) : IScriptProvider
{
    public IEnumerable<SqlScript> GetScripts(IConnectionManager connectionManager) =>
        streams
            .OrderBy(s => s.TableName, StringComparer.Ordinal)
            .Select(s => new SqlScript(
                $"staging/{s.TableName}",
                CreateTableSql(s),
                new SqlScriptOptions { ScriptType = global::DbUp.Support.ScriptType.RunAlways, RunGroupOrder = SqlServerWarehouse.StagingRunGroup }));

    public static string CreateTableSql(StreamDescriptor stream)
    {
        var table = StagingTable(stream);
        var name = Literal(table);
        var sql = new StringBuilder();
        sql.Append("IF OBJECT_ID(").Append(name).AppendLine(", N'U') IS NULL");
        sql.AppendLine("BEGIN");
        sql.Append("    CREATE TABLE ").Append(table).AppendLine(" (");
        foreach (var field in stream.Fields)
        {
            var isKey = HasClusteredKey(stream) && stream.PrimaryKey.Contains(field.Name);
            sql.Append("        ").Append(Quote(field.Name)).Append(' ').Append(ColumnType(stream, field))
                .AppendLine(isKey ? " NOT NULL," : " NULL,");
        }

        sql.Append("        _account_id nvarchar(").Append(AccountIdLength).AppendLine(") NOT NULL,");
        sql.AppendLine("        _run_id nvarchar(64) NOT NULL,");
        sql.Append("        _loaded_at datetime2(6) NOT NULL");
        if (HasClusteredKey(stream))
        {
            sql.AppendLine(",");
            sql.Append("        CONSTRAINT ").Append(Quote("pk_" + stream.TableName)).Append(" PRIMARY KEY CLUSTERED (_account_id, ")
                .Append(string.Join(", ", stream.PrimaryKey.Select(Quote))).AppendLine(")");
            sql.AppendLine("    );");
        }
        else
        {
            sql.AppendLine();
            sql.AppendLine("    );");
            // Report rows are appended window by window and read by scans and aggregates: columnstore compresses
            // them and skips row groups outside a window's dates.
            sql.Append("    CREATE CLUSTERED COLUMNSTORE INDEX ").Append(Quote("cci_" + stream.TableName)).Append(" ON ").Append(table).AppendLine(";");
        }

        sql.AppendLine("END;");
        foreach (var field in stream.Fields)
        {
            sql.Append("IF COL_LENGTH(").Append(name).Append(", ").Append(Literal(field.Name)).Append(") IS NULL ALTER TABLE ")
                .Append(table).Append(" ADD ").Append(Quote(field.Name)).Append(' ').Append(ColumnType(stream, field)).AppendLine(" NULL;");
        }

        foreach (var field in stream.Fields.Where(f => f.Description is not null))
        {
            sql.Append("EXEC etl.set_description N'staging', ").Append(Literal(stream.TableName)).Append(", ")
                .Append(Literal(field.Name)).Append(", ").Append(Literal(field.Description!)).AppendLine(";");
        }

        return sql.ToString();
    }

    public static string Literal(string value) => "N'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
