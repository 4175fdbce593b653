using System.Data.Common;
using System.Globalization;
using System.Numerics;
using DuckDB.NET.Data;

namespace Pipeline.Cli.Kpi;

/// <summary>A row of <c>mart.kpi_catalog</c>, as much as the command needs.</summary>
internal sealed record KpiCatalogEntry(string Id, string Name, string Unit, IReadOnlyList<string> Audiences, string MartView);

/// <summary>One KPI value of one period and segment, exactly as the mart computed it.</summary>
internal sealed record KpiRow(
    DateOnly PeriodStart, DateOnly PeriodEnd, string Grain, string SegmentType, string Segment, string KpiId,
    decimal? Numerator, decimal? Denominator, double? Value, string Unit, string? Currency)
{
    /// <summary>True when the period reaches outside the asked range: its values still cover the whole period.</summary>
    public bool Partial { get; init; }
}

/// <summary>What to read: which KPIs, which range, at which grain, for which segment type (and maybe one segment).</summary>
internal sealed record KpiSelection(IReadOnlyList<string> KpiIds, KpiRange Range, string Grain, string SegmentType, string? Segment);

/// <summary>
/// Reads the KPI marts. Values come from <c>mart.kpi_values</c> (day, week, month) or <c>mart.kpi_over_range</c>
/// (one total over any range); nothing is recomputed here.
/// </summary>
internal sealed class KpiQuery(DuckDBConnection connection)
{
    public const string ValuesView = "mart.kpi_values";

    /// <summary>False when the warehouse was never migrated with the semantic layer.</summary>
    public async Task<bool> HasMartsAsync(CancellationToken cancellationToken)
    {
        var count = await ScalarAsync(
            """
            SELECT (SELECT count(*) FROM information_schema.tables WHERE table_schema = 'mart' AND table_name IN ('kpi_catalog', 'kpi_values'))
                 + (SELECT count(*) FROM duckdb_functions() WHERE schema_name = 'mart' AND function_name = 'kpi_over_range')
            """,
            cancellationToken);
        return Convert.ToInt64(count, CultureInfo.InvariantCulture) == 3;
    }

    public async Task<IReadOnlyList<KpiCatalogEntry>> ReadCatalogAsync(CancellationToken cancellationToken)
    {
        await using var command = Command("""
            SELECT kpi_id, name, unit, audiences, mart_view FROM mart.kpi_catalog
            ORDER BY CASE stage WHEN 'Awareness' THEN 0 WHEN 'Consideration' THEN 1 WHEN 'Conversion' THEN 2 ELSE 3 END, kpi_id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<KpiCatalogEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var audiences = reader.IsDBNull(3) ? "" : reader.GetString(3);
            entries.Add(new KpiCatalogEntry(
                reader.GetString(0), reader.GetString(1), reader.GetString(2),
                audiences.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                reader.IsDBNull(4) ? ValuesView : reader.GetString(4)));
        }

        return entries;
    }

    public async Task<IReadOnlyList<KpiRow>> ReadValuesAsync(KpiSelection selection, CancellationToken cancellationToken)
    {
        var (sql, command) = Select(selection, "period_start, period_end, grain, segment_type, segment, kpi_id, numerator, denominator, value, unit, currency");
        command.CommandText = sql + " ORDER BY period_start, segment, kpi_id";
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<KpiRow>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var start = ToDate(reader.GetValue(0));
                var end = ToDate(reader.GetValue(1));
                rows.Add(new KpiRow(
                    start, end, reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? "" : reader.GetString(4), reader.GetString(5),
                    ToDecimal(reader, 6), ToDecimal(reader, 7), ToDouble(reader, 8), reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10))
                {
                    Partial = selection.Grain != "total" && (start < selection.Range.From || end > selection.Range.To),
                });
            }

            return rows;
        }
    }

    /// <summary>The segments that do have values in the selection, to tell what a segment filter could have been.</summary>
    public async Task<IReadOnlyList<string>> SegmentsAsync(KpiSelection selection, CancellationToken cancellationToken)
    {
        var (sql, command) = Select(selection with { Segment = null }, "DISTINCT segment");
        command.CommandText = sql + " ORDER BY segment LIMIT 30";
        await using (command)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var segments = new List<string>();
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!reader.IsDBNull(0))
                {
                    segments.Add(reader.GetString(0));
                }
            }

            return segments;
        }
    }

    /// <summary>Whether any base measure is loaded at all (an empty warehouse explains an empty result).</summary>
    public async Task<bool> HasAnyMeasureAsync(CancellationToken cancellationToken) =>
        await ScalarAsync("SELECT EXISTS (SELECT 1 FROM dw.kpi_measure_daily)", cancellationToken) is true;

    /// <summary>
    /// For KPIs that have no value in a selection, where <c>mart.kpi_values</c> does publish them (users only at
    /// day × channel, the channel share only per channel), e.g. <c>day × channel</c>.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> WherePublishedAsync(IReadOnlyList<string> kpiIds, CancellationToken cancellationToken)
    {
        var published = new Dictionary<string, string>(StringComparer.Ordinal);
        if (kpiIds.Count == 0)
        {
            return published;
        }

        await using var command = Command(
            $"""
            SELECT kpi_id, string_agg(DISTINCT grain, ', ' ORDER BY grain), string_agg(DISTINCT segment_type, ', ' ORDER BY segment_type)
            FROM {ValuesView} WHERE kpi_id IN ({InList(kpiIds)}) GROUP BY kpi_id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            published[reader.GetString(0)] = $"{reader.GetString(1)} × {reader.GetString(2)}";
        }

        return published;
    }

    private (string Sql, DuckDBCommand Command) Select(KpiSelection s, string columns)
    {
        var command = connection.CreateCommand();
        command.Parameters.Add(new DuckDBParameter("from", s.Range.From));
        command.Parameters.Add(new DuckDBParameter("to", s.Range.To));
        command.Parameters.Add(new DuckDBParameter("segment_type", s.SegmentType));
        // A total comes from the table macro (any range, summed once); other grains from the view, every period
        // that overlaps the range.
        var sql = s.Grain == "total"
            ? $"SELECT {columns} FROM (SELECT *, 'total' AS grain FROM mart.kpi_over_range(CAST($from AS DATE), CAST($to AS DATE))) AS v WHERE true"
            : $"SELECT {columns} FROM {ValuesView} AS v WHERE grain = $grain AND period_start <= CAST($to AS DATE) AND period_end >= CAST($from AS DATE)";
        if (s.Grain != "total")
        {
            command.Parameters.Add(new DuckDBParameter("grain", s.Grain));
        }

        sql += $" AND segment_type = $segment_type AND kpi_id IN ({InList(s.KpiIds)})";
        if (s.Segment is not null)
        {
            sql += " AND lower(segment) = lower($segment)";
            command.Parameters.Add(new DuckDBParameter("segment", s.Segment));
        }

        return (sql, command);
    }

    private DuckDBCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    // Ids come from mart.kpi_catalog, never straight from the command line; quoted all the same.
    private static string InList(IEnumerable<string> values) =>
        string.Join(", ", values.Select(v => "'" + v.Replace("'", "''", StringComparison.Ordinal) + "'"));

    private static DateOnly ToDate(object value) => value switch
    {
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        _ => DateOnly.FromDateTime(Convert.ToDateTime(value, CultureInfo.InvariantCulture)),
    };

    // numerator and denominator are DECIMAL(38,9) in the mart; a HUGEINT (sum of BIGINT) or DOUBLE would also do.
    private static decimal? ToDecimal(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal) switch
    {
        decimal d => d,
        double x => (decimal)x,
        float x => (decimal)x,
        BigInteger b => (decimal)b,
        var other => Convert.ToDecimal(other, CultureInfo.InvariantCulture),
    };

    private static double? ToDouble(DbDataReader reader, int ordinal)
    {
        if (reader.IsDBNull(ordinal))
        {
            return null;
        }

        var value = reader.GetValue(ordinal) switch
        {
            double x => x,
            decimal d => (double)d,
            BigInteger b => (double)b,
            var other => Convert.ToDouble(other, CultureInfo.InvariantCulture),
        };
        return double.IsFinite(value) ? value : null;
    }
}
