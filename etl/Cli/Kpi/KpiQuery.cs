using Pipeline.Warehouse;

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

    /// <summary>Share of the period's days on which every source the KPI needs was loaded (0..1), as the mart says.</summary>
    public double? Coverage { get; init; }

    /// <summary><c>complete</c>, <c>partial</c> (coverage below 1) or <c>provisional</c> (a source may still restate it).</summary>
    public string Status { get; init; } = KpiStatus.Complete;

    /// <summary>Why the value is not complete, in words (NULL when complete): "cost unknown: no cost source for Paid Search".</summary>
    public string? StatusReason { get; init; }
}

/// <summary>What to read: which KPIs, which range, at which grain, for which segment type (and maybe one segment).</summary>
internal sealed record KpiSelection(IReadOnlyList<string> KpiIds, KpiRange Range, string Grain, string SegmentType, string? Segment);

/// <summary>
/// Reads the KPI marts of any engine through its reader. Values come from <c>mart.kpi_values</c> (day, week, month)
/// or <c>mart.kpi_over_range</c> (one total over any range); nothing is recomputed here.
/// </summary>
internal sealed class KpiQuery(IWarehouseReader reader)
{
    public const string ValuesView = "mart.kpi_values";

    /// <summary>False when the warehouse was never migrated with the semantic layer.</summary>
    public async Task<bool> HasMartsAsync(CancellationToken cancellationToken)
    {
        var rows = await reader.QueryAsync(MartQueries.CountMartObjects(reader.Dialect, MartQueries.KpiViews), cancellationToken: cancellationToken);
        return rows[0].Long(0) == MartQueries.KpiViews.Count + 1;
    }

    /// <summary>
    /// False when the marts predate coverage (no status columns on <c>mart.kpi_values</c>): an old warehouse, or its
    /// published copy. Values without a status would read as complete, so the command stops instead of guessing.
    /// </summary>
    public async Task<bool> HasStatusAsync(CancellationToken cancellationToken) =>
        (await reader.QueryAsync(MartQueries.CountStatusColumns, cancellationToken: cancellationToken))[0].Long(0) == 3;

    public async Task<IReadOnlyList<KpiCatalogEntry>> ReadCatalogAsync(CancellationToken cancellationToken)
    {
        var rows = await reader.QueryAsync(MartQueries.KpiCatalog, cancellationToken: cancellationToken);
        return rows.Select(r => new KpiCatalogEntry(
                r.Text(0), r.Text(1), r.Text(5),
                (r.TextOrNull(8) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                r.TextOrNull(9) ?? ValuesView))
            .ToList();
    }

    public async Task<IReadOnlyList<KpiRow>> ReadValuesAsync(KpiSelection selection, CancellationToken cancellationToken)
    {
        var sql = MartQueries.KpiValues(reader.Dialect, selection.KpiIds, selection.Grain == "total", selection.Segment is not null);
        var rows = await reader.QueryAsync(sql, Parameters(selection), cancellationToken);
        return rows.Select(r =>
            {
                var start = r.Date(0);
                var end = r.Date(1);
                return new KpiRow(
                    start, end, r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Decimal(6), r.Decimal(7), r.Double(8), r.Text(9), r.TextOrNull(10))
                {
                    Partial = selection.Grain != "total" && (start < selection.Range.From || end > selection.Range.To),
                    Coverage = r.Double(11),
                    Status = r.TextOrNull(12) ?? KpiStatus.Complete,
                    StatusReason = r.TextOrNull(13),
                };
            })
            .ToList();
    }

    /// <summary>The segments that do have values in the selection (up to 30), to tell what a segment filter could have been.</summary>
    public async Task<IReadOnlyList<string>> SegmentsAsync(KpiSelection selection, CancellationToken cancellationToken)
    {
        var sql = MartQueries.KpiSegments(reader.Dialect, selection.KpiIds, selection.Grain == "total");
        var rows = await reader.QueryAsync(sql, Parameters(selection with { Segment = null }), cancellationToken);
        return rows.Where(r => !r.IsNull(0)).Select(r => r.Text(0)).Take(30).ToList();
    }

    /// <summary>Whether any base measure is loaded at all (an empty warehouse explains an empty result).</summary>
    public async Task<bool> HasAnyMeasureAsync(CancellationToken cancellationToken) =>
        (await reader.QueryAsync(MartQueries.HasAnyMeasure, cancellationToken: cancellationToken))[0].Long(0) == 1;

    /// <summary>
    /// For KPIs that have no value in a selection, where <c>mart.kpi_values</c> does publish them (users only at
    /// day × channel, the channel share only per channel), e.g. <c>day × channel</c>.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> WherePublishedAsync(IReadOnlyList<string> kpiIds, CancellationToken cancellationToken)
    {
        if (kpiIds.Count == 0)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        var rows = await reader.QueryAsync(MartQueries.KpiPublishedAt(kpiIds), cancellationToken: cancellationToken);
        return rows.GroupBy(r => r.Text(0), StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => $"{Distinct(g.Select(r => r.Text(1)))} × {Distinct(g.Select(r => r.Text(2)))}",
            StringComparer.Ordinal);
    }

    private static string Distinct(IEnumerable<string> values) => string.Join(", ", values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    private static Dictionary<string, object?> Parameters(KpiSelection s)
    {
        var parameters = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["from"] = s.Range.From,
            ["to"] = s.Range.To,
            ["segment_type"] = s.SegmentType,
        };
        if (s.Grain != "total")
        {
            parameters["grain"] = s.Grain;
        }

        if (s.Segment is not null)
        {
            parameters["segment"] = s.Segment;
        }

        return parameters;
    }
}
