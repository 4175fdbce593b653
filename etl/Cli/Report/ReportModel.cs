using Pipeline.Cli.Kpi;

namespace Pipeline.Cli.Report;

/// <summary>What to report on: the range, the range it is compared with, and when the report is made.</summary>
internal sealed record ReportRequest(KpiRange Range, KpiRange Previous, DateTimeOffset GeneratedAt);

/// <summary>Everything the HTML report shows, read from the marts; rendering only formats and draws it.</summary>
internal sealed record ReportData
{
    public required ReportRequest Request { get; init; }

    public required string Currency { get; init; }

    /// <summary>The last day with GA4 or Meta data (the daily sources); later days are still loading.</summary>
    public DateOnly? DataThrough { get; init; }

    public required IReadOnlyList<AudienceReport> Audiences { get; init; }

    public required IReadOnlyList<SourceFreshness> Freshness { get; init; }
}

/// <summary>One tab: an audience's KPIs and the charts and tables that explain them.</summary>
internal sealed record AudienceReport
{
    public required string Id { get; init; }

    public required string Title { get; init; }

    public required string Summary { get; init; }

    /// <summary>KPIs of the period, from <c>mart.kpi_over_range</c>.</summary>
    public required IReadOnlyList<KpiTile> Tiles { get; init; }

    /// <summary>KPIs that dedicated views publish per month (cohorts, retention, LTV, growth).</summary>
    public required IReadOnlyList<KpiTile> MonthlyTiles { get; init; }

    public required IReadOnlyList<TrendChart> Trends { get; init; }

    public required IReadOnlyList<BarChart> Breakdowns { get; init; }

    public required IReadOnlyList<FunnelStep> Funnel { get; init; }

    public required IReadOnlyList<SegmentTable> Tables { get; init; }

    public required IReadOnlyList<Anomaly> Anomalies { get; init; }

    /// <summary>How many anomalies the period had in all (the list holds the strongest).</summary>
    public int AnomalyCount { get; init; }

    /// <summary>KPIs of the audience that have no tile here, and where to read them.</summary>
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>The last months of the whole business with their status (the executive tab's month table); null elsewhere.</summary>
    public MonthTable? Months { get; init; }
}

/// <summary>KPIs per calendar month, each month marked partial or provisional with the marts' reasons.</summary>
internal sealed record MonthTable(IReadOnlyList<TableColumn> Columns, IReadOnlyList<MonthRow> Rows);

/// <summary>
/// A month of <see cref="MonthTable"/>: its cells, its worst status over them (partial over provisional over complete),
/// and each distinct statement of the reasons the marts gave (rendered as one phrase by <see cref="KpiStatus.Summarize"/>).
/// </summary>
internal sealed record MonthRow(DateOnly Month, IReadOnlyList<double?> Cells, string Status, IReadOnlyList<string> Reasons)
{
    /// <summary>Per cell, "cost unknown" where the mart has no value for want of a cost source; else null.</summary>
    public IReadOnlyList<string?> Missing { get; init; } = [];
}

/// <summary>A row of <c>mart.kpi_catalog</c>.</summary>
internal sealed record KpiInfo(
    string Id, string Name, string Description, string Formula, string Stage, string Unit, string BetterWhen, string Additivity,
    IReadOnlyList<string> Audiences, string MartView, string Cadence);

/// <summary>A KPI tile: the value, the previous period's, its trend, and the target it counts towards.</summary>
internal sealed record KpiTile
{
    public required KpiInfo Kpi { get; init; }

    public double? Value { get; init; }

    public double? Previous { get; init; }

    public string? Currency { get; init; }

    /// <summary>The view the value was read from, shown on the tile's tooltip.</summary>
    public required string Source { get; init; }

    /// <summary>For tiles of another period than the report's (a month of a dedicated view).</summary>
    public string? PeriodLabel { get; init; }

    public IReadOnlyList<ChartPoint> Series { get; init; } = [];

    /// <summary>day, week or month: the grain of <see cref="Series"/>.</summary>
    public string SeriesGrain { get; init; } = "day";

    /// <summary>The target whose period is the tile's (it starts where the tile's range starts and holds its end).</summary>
    public TargetProgress? Target { get; init; }

    /// <summary>
    /// A target of another period that holds the tile's last day (a calendar month's on a "last 30 days" tile): its
    /// progress belongs to that period, so the tile only says which period the target is for.
    /// </summary>
    public TargetProgress? OtherPeriodTarget { get; init; }

    /// <summary>complete, partial or provisional, from the mart row the value was read from.</summary>
    public string Status { get; init; } = KpiStatus.Complete;

    /// <summary>The mart's reason when not complete (or when the value is unknown for want of a cost source).</summary>
    public string? StatusReason { get; init; }

    /// <summary>The change against the previous value: percentage points for rates, else relative.</summary>
    public KpiChange? Change => KpiChange.Between(Kpi.Id, Kpi.Unit, Value, Previous);
}

/// <summary>
/// A change against a previous value: for rates (<see cref="KpiReading.IsRate"/>) the difference of the two rates
/// (<see cref="Points"/>, 0.004 = 0.4 pp); for amounts and counts (value − previous) / |previous|, as
/// <c>mart.kpi_trends.change_pct</c> defines it.
/// </summary>
internal sealed record KpiChange(double Amount, bool Points)
{
    /// <summary>NULL without both values, or for a relative change from 0.</summary>
    public static KpiChange? Between(string kpiId, string unit, double? value, double? previous)
    {
        if (value is not { } v || previous is not { } p)
        {
            return null;
        }

        if (KpiReading.IsRate(kpiId, unit))
        {
            return new KpiChange(v - p, Points: true);
        }

        return p != 0 ? new KpiChange((v - p) / Math.Abs(p), Points: false) : null;
    }
}

internal sealed record ChartPoint(DateOnly Date, double? Value);

/// <summary>A row of <c>mart.kpi_target_progress</c>.</summary>
internal sealed record TargetProgress(
    DateOnly From, DateOnly To, double Target, double? Actual, double? PctAchieved, double? Projected, string Status, int DaysElapsed, int DaysTotal);

/// <summary>A KPI over the period and over the previous one, aligned by position (day 1 with day 1).</summary>
internal sealed record TrendChart(KpiInfo Kpi, string? Currency, string Grain, IReadOnlyList<ChartPoint> Current, IReadOnlyList<ChartPoint> Previous);

/// <summary>A KPI by segment (channel) for the period, with the previous period's value as a marker.</summary>
internal sealed record BarChart(KpiInfo Kpi, string? Currency, string SegmentType, IReadOnlyList<Bar> Bars);

internal sealed record Bar(string Label, double? Value, double? Previous);

/// <summary>A funnel stage: a count KPI of the period.</summary>
internal sealed record FunnelStep(KpiInfo Kpi, double? Value, double? Previous);

/// <summary>A table of segments (campaigns) with one column per KPI value or KPI numerator/denominator.</summary>
internal sealed record SegmentTable(string Title, string Caption, IReadOnlyList<TableColumn> Columns, IReadOnlyList<SegmentRow> Rows);

/// <summary>A table column; <paramref name="WithoutNumerator"/> as <see cref="ColumnLayout.WithoutNumerator"/>.</summary>
internal sealed record TableColumn(string Header, KpiInfo Kpi, KpiPart Part, string Unit, string? WithoutNumerator = null);

internal sealed record SegmentRow(string Segment, IReadOnlyList<double?> Cells)
{
    /// <summary>Per cell, why it has no value although the mart has one (ROAS of a campaign no revenue is attributed to); else null.</summary>
    public IReadOnlyList<string?> Missing { get; init; } = [];
}

/// <summary>Which number of a mart row a table cell shows.</summary>
internal enum KpiPart
{
    Value,
    Numerator,
    Denominator,
}

/// <summary>A row of <c>mart.kpi_anomalies</c>.</summary>
internal sealed record Anomaly(
    DateOnly Date, string KpiId, string KpiName, string Unit, string SegmentType, string Segment, double Value,
    double BaselineMedian, double Lower, double Upper, double RobustZ, string Direction, string Assessment);

/// <summary>One source's streams from <c>etl.v_stream_status</c> and the last day its data reaches.</summary>
internal sealed record SourceFreshness(
    string Source, int Streams, int Failing, DateTime? LastSuccess, DateTime? OldestSuccess, double? HoursSinceOldest, DateOnly? DataThrough, string? LastError);
