using System.Text;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse.Semantic;

namespace Pipeline.Warehouse.Health;

/// <summary>
/// Generates <c>mart.source_health</c> from the stream catalog (the staging tables' one definition), the same way on
/// every engine: per stream × column × day the rows and how many of them have the column filled. Each staging table is
/// scanned once per query (one aggregate per day with a filled-count per column, then unpivoted by a VALUES list), so a
/// filter on <c>day</c> keeps the read to the days asked for.
/// </summary>
public static class SourceHealthView
{
    public const string Schema = "mart";
    public const string Name = "source_health";

    /// <summary>The view's script, rendered with its docs (warehouse/Semantic/mart/source_health.json) by <paramref name="dialect"/>.</summary>
    /// <param name="quote">The engine's identifier quoting.</param>
    /// <param name="stagingTable">The engine's qualified staging table of a stream.</param>
    public static string Script(IReadOnlyCollection<StreamDescriptor> streams, SemanticDialect dialect, Func<string, string> quote, Func<StreamDescriptor, string> stagingTable)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(quote);
        ArgumentNullException.ThrowIfNull(stagingTable);
        var branches = streams
            .OrderBy(s => s.TableName, StringComparer.Ordinal)
            .Select(s => Branch(s, dialect, quote, stagingTable(s)))
            .Where(b => b is not null)
            .ToList();
        var body = branches.Count > 0
            ? string.Join("\nUNION ALL\n", branches)
            : $"SELECT CAST(NULL AS varchar(64)) AS source_name, CAST(NULL AS varchar(64)) AS stream_name, CAST(NULL AS varchar(128)) AS column_name, CAST(NULL AS DATE) AS day, CAST(0 AS BIGINT) AS row_count, CAST(0 AS BIGINT) AS filled_rows, {dialect.AsFloat("0")} AS fill_rate WHERE 1 = 0";
        return SemanticLayer.Render(new SemanticScript(Schema, Name, $"CREATE VIEW {Schema}.{Name} AS\n{body};\n"), dialect);
    }

    /// <summary>The columns watched: everything but the natural key and the cursor, which are always filled.</summary>
    public static IReadOnlyList<FieldDef> WatchedFields(StreamDescriptor stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return stream.Fields.Where(f => f.Name != stream.CursorField && !stream.PrimaryKey.Contains(f.Name)).ToList();
    }

    /// <summary>Filled: non-null, and non-empty for text, non-zero for measures (a measure of 0 is what a dropped metric looks like).</summary>
    public static string Filled(FieldDef field, string column)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.Type switch
        {
            FieldType.String or FieldType.Json => $"{column} IS NOT NULL AND {column} <> ''",
            FieldType.Int64 or FieldType.Decimal or FieldType.Double => $"{column} IS NOT NULL AND {column} <> 0",
            _ => $"{column} IS NOT NULL",
        };
    }

    private static string? Branch(StreamDescriptor stream, SemanticDialect dialect, Func<string, string> quote, string table)
    {
        var fields = WatchedFields(stream);
        if (fields.Count == 0)
        {
            return null;
        }

        // The row's own day: a report's date, an object's last-modified time. Streams whose cursor is not a date or
        // time (an id) are counted by the day they were loaded.
        var cursor = stream.Field(stream.CursorField);
        var day = cursor.Type is FieldType.Date or FieldType.Timestamp ? $"CAST({quote(cursor.Name)} AS DATE)" : "CAST(_loaded_at AS DATE)";
        var sql = new StringBuilder();
        sql.Append("SELECT ").Append(Text(stream.Source)).Append(" AS source_name, ").Append(Text(stream.Name)).Append(" AS stream_name, c.column_name, a.day, a.row_count,\n");
        sql.Append("       CASE c.column_name");
        for (var i = 0; i < fields.Count; i++)
        {
            sql.Append(" WHEN ").Append(Text(fields[i].Name)).Append(" THEN a.f").Append(i);
        }

        sql.Append(" END AS filled_rows,\n");
        sql.Append("       ").Append(dialect.AsFloat("CASE c.column_name" + string.Concat(fields.Select((f, i) => $" WHEN {Text(f.Name)} THEN a.f{i}")) + " END")).Append(" / a.row_count AS fill_rate\n");
        sql.Append("FROM (SELECT ").Append(day).Append(" AS day, CAST(COUNT(*) AS BIGINT) AS row_count");
        for (var i = 0; i < fields.Count; i++)
        {
            sql.Append(",\n             CAST(SUM(CASE WHEN ").Append(Filled(fields[i], quote(fields[i].Name))).Append(" THEN 1 ELSE 0 END) AS BIGINT) AS f").Append(i);
        }

        sql.Append("\n      FROM ").Append(table).Append(" GROUP BY ").Append(day).Append(") AS a\n");
        sql.Append("CROSS JOIN (VALUES ").Append(string.Join(", ", fields.Select(f => "(" + Text(f.Name) + ")"))).Append(") AS c(column_name)");
        return sql.ToString();
    }

    private static string Text(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
