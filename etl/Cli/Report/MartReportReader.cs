using System.Globalization;
using Pipeline.Cli.Kpi;
using Pipeline.Warehouse;

namespace Pipeline.Cli.Report;

/// <summary>Where the report's numbers come from; the HTML only formats what this returns.</summary>
internal interface IReportSource
{
    Task<ReportData> ReadAsync(ReportRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// Reads every number of the report from the marts: period values from <c>mart.kpi_over_range</c>, trend lines
/// from <c>mart.kpi_values</c>, targets, anomalies, funnel counts, the monthly KPIs of dedicated views, and
/// freshness from <c>etl.v_stream_status</c>. Nothing is recomputed; only the change against the previous period is
/// worked out (<see cref="KpiChange"/>), and usual ranges of KPIs that cannot be negative are cut at 0. Any engine: the queries are
/// <see cref="MartQueries"/>, run by the engine's reader.
/// </summary>
internal sealed class MartReportReader(IWarehouseReader reader) : IReportSource
{
    private const string RangeView = "mart.kpi_over_range";

    public async Task<ReportData> ReadAsync(ReportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await EnsureMartsAsync(cancellationToken);
        var catalog = await ReadCatalogAsync(cancellationToken);
        var current = await ReadRangeAsync(request.Range, cancellationToken);
        var previous = await ReadRangeAsync(request.Previous, cancellationToken);
        var grain = ReportPeriods.TrendGrain(request.Range);
        var series = await ReadSeriesAsync([grain, ReportPeriods.TrendGrain(request.Range, "Weekly")], request.Previous.From, request.Range.To, cancellationToken);
        var targets = await ReadTargetsAsync(request.Range, cancellationToken);
        var anomalies = await ReadAnomaliesAsync(request.Range, cancellationToken);
        var monthly = await ReadMonthlyAsync(cancellationToken);
        var months = await ReadMonthsAsync(catalog, request.Range, cancellationToken);
        var currency = (await reader.QueryAsync(MartQueries.ReportingCurrency, cancellationToken: cancellationToken)).FirstOrDefault()?.TextOrNull(0) ?? "";
        var dataThrough = (await reader.QueryAsync(MartQueries.DailyDataThrough, cancellationToken: cancellationToken)).FirstOrDefault()?.DateOrNull(0);

        var context = new BuildContext(request, catalog, current, previous, series, targets, monthly, currency, dataThrough);
        var audiences = ReportLayout.Audiences.Select(layout => BuildAudience(layout, context, anomalies) with { Months = MonthTableOf(layout, catalog, months, request.Range) }).ToList();
        return new ReportData
        {
            Request = request,
            Currency = currency,
            DataThrough = dataThrough,
            Audiences = audiences,
            Freshness = await ReadFreshnessAsync(cancellationToken),
        };
    }

    private static AudienceReport BuildAudience(AudienceLayout layout, BuildContext c, IReadOnlyList<Anomaly> anomalies)
    {
        var own = c.Catalog.Values.Where(k => k.Audiences.Contains(layout.Audience, StringComparer.OrdinalIgnoreCase)).ToList();
        var ordered = layout.Lead.Select(id => c.Catalog.GetValueOrDefault(id)).OfType<KpiInfo>()
            .Concat(own.Where(k => !layout.Lead.Contains(k.Id))).ToList();

        var tiles = new List<KpiTile>();
        var monthlyTiles = new List<KpiTile>();
        var notes = new List<string>();
        foreach (var kpi in ordered)
        {
            if (c.Current.TryGetValue(("all", "All", kpi.Id), out var row))
            {
                var targets = TargetsOf(c, kpi.Id);
                tiles.Add(new KpiTile
                {
                    Kpi = kpi,
                    Value = row.Value,
                    Previous = c.Previous.GetValueOrDefault(("all", "All", kpi.Id))?.Value,
                    Currency = row.Currency,
                    Status = row.Status,
                    StatusReason = row.StatusReason,
                    Source = RangeView,
                    Series = Series(c, kpi, c.Request.Range),
                    SeriesGrain = ReportPeriods.TrendGrain(c.Request.Range, kpi.Cadence),
                    Target = targets.Matching,
                    OtherPeriodTarget = targets.Other,
                });
            }
            else if (c.Monthly.TryGetValue(kpi.Id, out var month))
            {
                monthlyTiles.Add(month.Tile(kpi, c.Request.Range.To, c.Currency));
            }
            else
            {
                notes.Add(NoTileNote(kpi));
            }
        }

        var trends = layout.Lead.Where(id => c.Catalog.ContainsKey(id) && c.Current.ContainsKey(("all", "All", id)))
            .Select(id => c.Catalog[id])
            .Select(k => new TrendChart(k, CurrencyOf(c, k.Id), ReportPeriods.TrendGrain(c.Request.Range, k.Cadence), Series(c, k, c.Request.Range), Series(c, k, c.Request.Previous)))
            .ToList();
        var breakdowns = layout.Breakdowns.Where(c.Catalog.ContainsKey)
            .Select(id => new BarChart(c.Catalog[id], CurrencyOf(c, id), "channel", Bars(c, id, "channel")))
            .Where(b => b.Bars.Count > 0)
            .ToList();
        var funnel = ReportLayout.Funnel.Where(c.Catalog.ContainsKey)
            .Select(id => new FunnelStep(c.Catalog[id], c.Current.GetValueOrDefault(("all", "All", id))?.Value, c.Previous.GetValueOrDefault(("all", "All", id))?.Value))
            .ToList();
        var tables = layout.Tables.Select(t => Table(c, t)).Where(t => t.Rows.Count > 0).ToList();
        var ownIds = own.Select(k => k.Id).Concat(layout.Lead).ToHashSet(StringComparer.Ordinal);
        var ownAnomalies = anomalies.Where(a => ownIds.Contains(a.KpiId)).ToList();
        return new AudienceReport
        {
            Id = layout.Id,
            Title = layout.Title,
            Summary = layout.Summary,
            Tiles = tiles,
            MonthlyTiles = monthlyTiles,
            Trends = trends,
            Breakdowns = breakdowns,
            Funnel = funnel,
            Tables = tables,
            // The strongest first within the most recent days: what a reader should look at now.
            Anomalies = ownAnomalies.OrderByDescending(a => a.Date).ThenByDescending(a => Math.Abs(a.RobustZ)).Take(12).ToList(),
            AnomalyCount = ownAnomalies.Count,
            Notes = notes,
        };
    }

    private static string NoTileNote(KpiInfo kpi) => kpi.Id switch
    {
        "channel_session_share" => $"{kpi.Name}: a share per channel (mart.kpi_values, segment type channel); see the sessions by channel chart of the Marketing tab.",
        _ when kpi.Additivity == "NonAdditive" => $"{kpi.Name}: not additive over a range; {kpi.MartView} publishes it at the grain it was counted at.",
        _ => $"{kpi.Name}: no value in this period ({kpi.MartView}).",
    };

    /// <summary>
    /// The target whose period is the tile's (the shortest that starts with the range and holds its end: a month's on
    /// month to date or last month), else the shortest other one holding the range's end, only to be named.
    /// </summary>
    private static (TargetProgress? Matching, TargetProgress? Other) TargetsOf(BuildContext c, string kpiId)
    {
        var all = c.Targets.GetValueOrDefault(kpiId) ?? [];
        var matching = all.Where(t => ReportPeriods.IsPeriodOf(c.Request.Range, t.From, t.To)).MinBy(t => t.To.DayNumber - t.From.DayNumber);
        return (matching, matching is null ? all.MinBy(t => t.To.DayNumber - t.From.DayNumber) : null);
    }

    private static string? CurrencyOf(BuildContext c, string id) => c.Current.GetValueOrDefault(("all", "All", id))?.Currency;

    /// <summary>
    /// One point per calendar period of the KPI's trend grain that overlaps the range (a week or month starting before
    /// the range still overlaps it). A period without a mart row is a gap, except for counts and sums the window has
    /// data for: up to the last loaded day their empty periods read as 0 (a week without a won deal had no revenue).
    /// </summary>
    private static IReadOnlyList<ChartPoint> Series(BuildContext c, KpiInfo kpi, KpiRange range)
    {
        var grain = ReportPeriods.TrendGrain(c.Request.Range, kpi.Cadence);
        var values = c.Series.GetValueOrDefault((grain, kpi.Id));
        var zeroFill = kpi.Additivity == "Additive" && values is { Count: > 0 } && c.DataThrough is not null;
        return ReportPeriods.PeriodStarts(range, grain)
            .Select(start => new ChartPoint(start, values?.GetValueOrDefault(start) ?? (zeroFill && start <= c.DataThrough ? 0 : null)))
            .ToList();
    }

    private static List<Bar> Bars(BuildContext c, string kpiId, string segmentType) =>
        c.Current.Values.Where(r => r.SegmentType == segmentType && r.KpiId == kpiId && r.Value is not null)
            .Select(r => new Bar(r.Segment, r.Value, c.Previous.GetValueOrDefault((segmentType, r.Segment, kpiId))?.Value))
            .OrderByDescending(b => b.Value)
            .Take(10)
            .ToList();

    private static SegmentTable Table(BuildContext c, TableLayout layout)
    {
        var columns = layout.Columns.Where(col => c.Catalog.ContainsKey(col.KpiId))
            .Select(col => new TableColumn(col.Header, c.Catalog[col.KpiId], col.Part,
                col.Part == KpiPart.Value ? c.Catalog[col.KpiId].Unit : PartUnit(c.Catalog[col.KpiId], col.Part), col.WithoutNumerator))
            .ToList();
        if (columns.Count == 0)
        {
            return new SegmentTable(layout.Title, layout.Caption, columns, []);
        }

        var segments = c.Current.Values.Where(r => r.SegmentType == "campaign").Select(r => r.Segment).Distinct(StringComparer.Ordinal);
        var rows = segments
            .Select(s => Row(s, columns, c))
            .Where(r => r.Cells[0] is not null and not 0)
            .OrderByDescending(r => r.Cells[0]).ThenByDescending(r => r.Cells.Count > 1 ? r.Cells[1] : null)
            .Take(layout.MaxRows)
            .ToList();
        return new SegmentTable(layout.Title, layout.Caption, columns, rows);
    }

    private static SegmentRow Row(string segment, IReadOnlyList<TableColumn> columns, BuildContext c)
    {
        var rows = columns.Select(col => c.Current.GetValueOrDefault(("campaign", segment, col.Kpi.Id))).ToList();
        // A value over an empty numerator the layout marks (ROAS without attributed revenue) is unknown, not 0.
        var missing = columns.Select((col, i) => col.WithoutNumerator is not null && rows[i] is { } r && r.Numerator is null or 0 ? col.WithoutNumerator : null).ToList();
        return new SegmentRow(segment, columns.Select((col, i) => missing[i] is null ? Cell(rows[i], col.Part) : null).ToList()) { Missing = missing };
    }

    // A numerator or denominator is a sum of base measures: money for money KPIs' numerators (CPC → spend), else a count.
    private static string PartUnit(KpiInfo kpi, KpiPart part) =>
        part == KpiPart.Numerator && kpi.Unit == "Currency" ? "Currency" : "Count";

    private static double? Cell(RangeRow? row, KpiPart part) => row is null ? null : part switch
    {
        KpiPart.Numerator => row.Numerator,
        KpiPart.Denominator => row.Denominator,
        _ => row.Value,
    };

    private async Task EnsureMartsAsync(CancellationToken cancellationToken)
    {
        var rows = await reader.QueryAsync(MartQueries.CountMartObjects(reader.Dialect, MartQueries.ReportViews), cancellationToken: cancellationToken);
        if (rows[0].Long(0) != MartQueries.ReportViews.Count + 1)
        {
            throw new InvalidOperationException("the warehouse has no KPI marts (mart.kpi_catalog, mart.kpi_values, mart.kpi_over_range, …); run 'pipeline migrate'");
        }
    }

    private async Task<IReadOnlyDictionary<string, KpiInfo>> ReadCatalogAsync(CancellationToken cancellationToken)
    {
        var catalog = new Dictionary<string, KpiInfo>(StringComparer.Ordinal);
        foreach (var r in await reader.QueryAsync(MartQueries.KpiCatalog, cancellationToken: cancellationToken))
        {
            catalog[r.Text(0)] = new KpiInfo(
                r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7),
                (r.TextOrNull(8) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), r.TextOrNull(9) ?? KpiQuery.ValuesView, r.Text(10));
        }

        return catalog;
    }

    private async Task<IReadOnlyDictionary<(string SegmentType, string Segment, string KpiId), RangeRow>> ReadRangeAsync(KpiRange range, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<(string, string, string), RangeRow>();
        foreach (var r in await reader.QueryAsync(MartQueries.RangeValues(reader.Dialect), Range(range.From, range.To), cancellationToken))
        {
            var row = new RangeRow(r.Text(0), r.Text(1), r.Text(2), r.Double(3), r.Double(4), r.Double(5), r.TextOrNull(6))
            {
                Status = r.TextOrNull(8) ?? KpiStatus.Complete,
                StatusReason = r.TextOrNull(9),
            };
            rows[(row.SegmentType, row.Segment, row.KpiId)] = row;
        }

        return rows;
    }

    /// <summary>Whole-business values per grain, KPI and period start, from <c>mart.kpi_values</c>.</summary>
    private async Task<IReadOnlyDictionary<(string Grain, string KpiId), Dictionary<DateOnly, double?>>> ReadSeriesAsync(
        IReadOnlyList<string> grains, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var series = new Dictionary<(string, string), Dictionary<DateOnly, double?>>();
        foreach (var grain in grains.Distinct(StringComparer.Ordinal))
        {
            var parameters = Range(from, to);
            parameters["grain"] = grain;
            foreach (var r in await reader.QueryAsync(MartQueries.Series(reader.Dialect), parameters, cancellationToken))
            {
                var key = (grain, r.Text(0));
                if (!series.TryGetValue(key, out var points))
                {
                    series[key] = points = [];
                }

                points[r.Date(1)] = r.Double(2);
            }
        }

        return series;
    }

    /// <summary>Per KPI the whole-business targets whose range holds the report's last day.</summary>
    private async Task<IReadOnlyDictionary<string, IReadOnlyList<TargetProgress>>> ReadTargetsAsync(KpiRange range, CancellationToken cancellationToken)
    {
        var rows = await reader.QueryAsync(MartQueries.Targets(reader.Dialect), new Dictionary<string, object?> { ["to"] = range.To }, cancellationToken);
        return rows
            .Select(r => (Kpi: r.Text(0), Target: new TargetProgress(r.Date(1), r.Date(2), r.Double(3) ?? 0, r.Double(4), r.Double(5), r.Double(6), r.Text(7),
                (int)(r.Double(8) ?? 0), (int)(r.Double(9) ?? 0))))
            .GroupBy(t => t.Kpi, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<TargetProgress>)g.Select(t => t.Target).ToList(), StringComparer.Ordinal);
    }

    private async Task<IReadOnlyList<Anomaly>> ReadAnomaliesAsync(KpiRange range, CancellationToken cancellationToken)
    {
        var rows = await reader.QueryAsync(MartQueries.Anomalies(reader.Dialect), Range(range.From, range.To), cancellationToken);
        // The mart's band is median ± k robust deviations, which reaches below 0 for small counts (−3..12 leads); a
        // KPI that cannot be negative has 0 as its lowest usual value.
        return rows.Select(r => new Anomaly(r.Date(0), r.Text(3), r.Text(4), r.Text(5), r.Text(1), r.Text(2), r.Double(6) ?? 0, r.Double(7) ?? 0,
                KpiReading.IsNonNegative(r.Text(3), r.Text(5)) ? Math.Max(0, r.Double(8) ?? 0) : r.Double(8) ?? 0, r.Double(9) ?? 0, r.Double(10) ?? 0, r.Text(11), r.Text(12)))
            .ToList();
    }

    /// <summary>The KPIs dedicated views publish per calendar month for the whole business.</summary>
    private async Task<IReadOnlyDictionary<string, MonthlySeries>> ReadMonthlyAsync(CancellationToken cancellationToken)
    {
        var monthly = new Dictionary<string, MonthlySeries>(StringComparer.Ordinal);
        var withStatus = (await reader.QueryAsync(MartQueries.MonthlyStatusViews, cancellationToken: cancellationToken)).Select(r => r.Text(0)).ToHashSet(StringComparer.Ordinal);
        foreach (var (view, sql, kpis) in MartQueries.MonthlyKpis(reader.Dialect, withStatus))
        {
            var rows = (await reader.QueryAsync(sql, cancellationToken: cancellationToken))
                .Select(r => (Month: r.Date(0), Complete: r.Bool(1), Status: r.TextOrNull(2) ?? KpiStatus.Complete, Reason: r.TextOrNull(3),
                    Values: kpis.Select((_, i) => r.Double(4 + i)).ToArray()))
                .ToList();
            for (var i = 0; i < kpis.Count; i++)
            {
                var index = i;
                monthly[kpis[i]] = new MonthlySeries(view, rows.Select(r => new MonthValue(r.Month, r.Complete, r.Values[index]) { Status = r.Status, Reason = r.Reason }).ToList());
            }
        }

        return monthly;
    }

    /// <summary>
    /// Per source: its streams, how many did not last succeed, the newest and oldest last success, the largest age,
    /// the last day its data reaches, and the error of the most recently started failing stream.
    /// </summary>
    private async Task<IReadOnlyList<SourceFreshness>> ReadFreshnessAsync(CancellationToken cancellationToken)
    {
        var through = (await reader.QueryAsync(MartQueries.DataThroughByPlatform, cancellationToken: cancellationToken))
            .Where(r => !r.IsNull(1))
            .ToDictionary(r => r.Text(0), r => r.Date(1), StringComparer.Ordinal);
        var streams = await reader.QueryAsync(MartQueries.StreamStatus, cancellationToken: cancellationToken);
        return streams.GroupBy(r => r.Text(0), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new SourceFreshness(
                g.Key,
                g.Count(),
                g.Count(r => r.TextOrNull(3) != "Succeeded"),
                g.Max(r => r.Timestamp(4)),
                g.Min(r => r.Timestamp(4)),
                g.Max(r => r.Double(5)),
                through.TryGetValue(g.Key, out var day) ? day : null,
                g.Where(r => !r.IsNull(7)).MaxBy(r => r.Timestamp(6))?.TextOrNull(7)))
            .ToList();
    }

    private static Dictionary<string, object?> Range(DateOnly from, DateOnly to) =>
        new(StringComparer.Ordinal) { ["from"] = from, ["to"] = to };

    /// <summary>A row of <c>mart.kpi_over_range</c>, or of <c>mart.kpi_values</c> at month grain for the month table.</summary>
    private sealed record RangeRow(string SegmentType, string Segment, string KpiId, double? Numerator, double? Denominator, double? Value, string? Currency)
    {
        public string Status { get; init; } = KpiStatus.Complete;

        public string? StatusReason { get; init; }
    }

    /// <summary>
    /// The whole-business month values of every KPI a month table names, for the months up to the report's last one:
    /// month → KPI → row.
    /// </summary>
    private async Task<IReadOnlyDictionary<DateOnly, Dictionary<string, RangeRow>>> ReadMonthsAsync(
        IReadOnlyDictionary<string, KpiInfo> catalog, KpiRange range, CancellationToken cancellationToken)
    {
        var ids = ReportLayout.Audiences.SelectMany(a => a.Months ?? []).Select(c => c.KpiId).Where(catalog.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
        var months = new Dictionary<DateOnly, Dictionary<string, RangeRow>>();
        if (ids.Count == 0)
        {
            return months;
        }

        var last = ReportPeriods.StartOf(range.To, "month");
        var parameters = Range(last.AddMonths(1 - ReportLayout.MonthTableMonths), last);
        foreach (var r in await reader.QueryAsync(MartQueries.MonthValues(reader.Dialect, ids), parameters, cancellationToken))
        {
            var month = r.Date(1);
            if (!months.TryGetValue(month, out var kpis))
            {
                months[month] = kpis = new Dictionary<string, RangeRow>(StringComparer.Ordinal);
            }

            kpis[r.Text(0)] = new RangeRow("all", "All", r.Text(0), r.Double(2), r.Double(3), r.Double(4), r.TextOrNull(5))
            {
                Status = r.TextOrNull(6) ?? KpiStatus.Complete,
                StatusReason = r.TextOrNull(7),
            };
        }

        return months;
    }

    /// <summary>
    /// The layout's month table: a row per month with any value, each marked by the worst status of its cells and
    /// listing their reasons once; columns whose KPI the catalog lacks are left out.
    /// </summary>
    private static MonthTable? MonthTableOf(
        AudienceLayout layout, IReadOnlyDictionary<string, KpiInfo> catalog, IReadOnlyDictionary<DateOnly, Dictionary<string, RangeRow>> months, KpiRange range)
    {
        if (layout.Months is null)
        {
            return null;
        }

        var columns = layout.Months.Where(c => catalog.ContainsKey(c.KpiId))
            .Select(c => new TableColumn(c.Header, catalog[c.KpiId], c.Part, c.Unit ?? (c.Part == KpiPart.Value ? catalog[c.KpiId].Unit : PartUnit(catalog[c.KpiId], c.Part))))
            .ToList();
        var rows = new List<MonthRow>();
        foreach (var (month, kpis) in months.Where(m => m.Key <= range.To).OrderBy(m => m.Key))
        {
            var cells = columns.Select(c => kpis.GetValueOrDefault(c.Kpi.Id)).ToList();
            if (cells.All(c => c?.Value is null))
            {
                continue;
            }

            var shown = cells.OfType<RangeRow>().ToList();
            var status = shown.Select(r => r.Status).Aggregate(KpiStatus.Complete, KpiStatus.Worse);
            var reasons = shown.Where(r => KpiStatus.HasReasonToShow(r.Status, r.Value, r.StatusReason))
                .SelectMany(r => KpiStatus.Parts(r.StatusReason)).Distinct(StringComparer.Ordinal).ToList();
            rows.Add(new MonthRow(month, columns.Select((c, i) => Cell(cells[i], c.Part)).ToList(), status, reasons)
            {
                Missing = cells.Select((c, i) => columns[i].Part == KpiPart.Value && c is not null && KpiStatus.IsCostUnknown(c.Value, c.StatusReason) ? KpiStatus.CostUnknown : null).ToList(),
            });
        }

        return new MonthTable(columns, rows);
    }

    /// <summary>A KPI per calendar month from a dedicated view.</summary>
    /// <summary>A month of a dedicated view: its value, whether the month is over and loaded, and its status.</summary>
    private sealed record MonthValue(DateOnly Month, bool Complete, double? Value)
    {
        public string Status { get; init; } = KpiStatus.Complete;

        public string? Reason { get; init; }
    }

    private sealed record MonthlySeries(string View, IReadOnlyList<MonthValue> Months)
    {
        /// <summary>The last complete month ending by the report's last day (else the last month begun by then).</summary>
        public KpiTile Tile(KpiInfo kpi, DateOnly reportEnd, string currency)
        {
            var upTo = Months.Where(m => m.Month <= reportEnd).ToList();
            var index = upTo.FindLastIndex(m => m.Complete && m.Month.AddMonths(1).AddDays(-1) <= reportEnd && m.Value is not null);
            if (index < 0)
            {
                index = upTo.FindLastIndex(m => m.Value is not null);
            }

            var month = index >= 0 ? upTo[index] : null;
            return new KpiTile
            {
                Kpi = kpi,
                Value = month?.Value,
                Status = month?.Status ?? KpiStatus.Complete,
                StatusReason = month?.Reason,
                Previous = index > 0 ? upTo[index - 1].Value : null,
                Currency = kpi.Unit == "Currency" ? currency : null,
                Source = View,
                PeriodLabel = month is null ? null : month.Month.ToString("MMMM yyyy", CultureInfo.InvariantCulture) + (month.Complete ? "" : " (to date)"),
                Series = upTo.Take(index + 1).TakeLast(12).Select(m => new ChartPoint(m.Month, m.Value)).ToList(),
            };
        }
    }

    private sealed record BuildContext(
        ReportRequest Request,
        IReadOnlyDictionary<string, KpiInfo> Catalog,
        IReadOnlyDictionary<(string SegmentType, string Segment, string KpiId), RangeRow> Current,
        IReadOnlyDictionary<(string SegmentType, string Segment, string KpiId), RangeRow> Previous,
        IReadOnlyDictionary<(string Grain, string KpiId), Dictionary<DateOnly, double?>> Series,
        IReadOnlyDictionary<string, IReadOnlyList<TargetProgress>> Targets,
        IReadOnlyDictionary<string, MonthlySeries> Monthly,
        string Currency,
        DateOnly? DataThrough);
}
