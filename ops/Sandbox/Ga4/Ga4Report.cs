using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Ga4;

/// <summary>One runReport <c>orderBys</c> entry: a requested dimension (with its orderType) or metric.</summary>
internal sealed record Ga4OrderBy(int? DimensionIndex, int? MetricIndex, string OrderType, bool Desc);

/// <summary>A parsed runReport request.</summary>
internal sealed record Ga4ReportRequest(
    IReadOnlyList<Ga4Schema.Dimension> Dimensions, IReadOnlyList<Ga4Schema.Metric> Metrics, DateOnly StartDate, DateOnly EndDate,
    long Offset, long Limit, bool ReturnPropertyQuota)
{
    public const long MaxLimit = 250_000, DefaultLimit = 10_000;
    private const string SchemaDocs = "For a list of valid dimensions and metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema";
    private static readonly string[] OrderTypes = ["ORDER_TYPE_UNSPECIFIED", "ALPHANUMERIC", "CASE_INSENSITIVE_ALPHANUMERIC", "NUMERIC"];
    private static readonly string[] Aggregations = ["METRIC_AGGREGATION_UNSPECIFIED", "TOTAL", "", "", "COUNT", "MINIMUM", "MAXIMUM"];

    // runReport fields the sandbox implements, and those GA4 has but the sandbox refuses rather than ignore.
    private static readonly HashSet<string> Emulated = new(StringComparer.Ordinal)
    {
        "property", "dimensions", "metrics", "dateRanges", "dimensionFilter", "offset", "limit", "metricAggregations", "orderBys", "keepEmptyRows", "returnPropertyQuota",
    };

    private static readonly HashSet<string> NotEmulated = new(StringComparer.Ordinal) { "metricFilter", "currencyCode", "cohortSpec", "comparisons" };

    public Ga4Filter? DimensionFilter { get; init; }

    public IReadOnlyList<Ga4OrderBy> OrderBys { get; init; } = [];

    /// <summary>TOTAL, MAXIMUM and/or MINIMUM.</summary>
    public IReadOnlyList<string> MetricAggregations { get; init; } = [];

    public bool KeepEmptyRows { get; init; }

    /// <summary>The report reads linked Google Ads facts (cost metrics) instead of traffic segments.</summary>
    public bool Ads => Metrics.Any(m => m.Ads);

    /// <summary>Rows cannot stream day by day: every row is needed to order them or aggregate them.</summary>
    public bool NeedsAllRows => OrderBys.Count > 0 || MetricAggregations.Count > 0;

    /// <summary>Parses the request or returns the INVALID_ARGUMENT message GA4 would give.</summary>
    public static (Ga4ReportRequest? Request, string? Error) Parse(JsonNode? body, DateOnly today, bool adsLinked = true, string? propertyId = null)
    {
        if (body is not JsonObject o)
        {
            return (null, "Invalid JSON payload received.");
        }

        foreach (var (key, _) in o)
        {
            if (NotEmulated.Contains(key))
            {
                return (null, $"{key} is not emulated by the sandbox; remove it from the request (the sandbox refuses what it cannot answer exactly).");
            }

            if (!Emulated.Contains(key))
            {
                return (null, $"Invalid JSON payload received. Unknown name \"{key}\": Cannot find field.");
            }
        }

        if (propertyId is not null && o["property"] is { } property && property.GetValue<string>() != "properties/" + propertyId)
        {
            return (null, "All requests in a batch must be for the same property.");
        }

        var dimensions = new List<Ga4Schema.Dimension>();
        foreach (var node in o["dimensions"]?.AsArray() ?? [])
        {
            if (node is JsonObject d && d.Any(p => p.Key != "name"))
            {
                return (null, "dimensionExpression is not emulated by the sandbox; request plain dimension names.");
            }

            var name = node?["name"]?.GetValue<string>() ?? "";
            var dimension = Ga4Schema.FindDimension(name, adsLinked);
            if (dimension is null)
            {
                return (null, $"Field {name} is not a valid dimension. {SchemaDocs}");
            }

            dimensions.Add(dimension);
        }

        var metrics = new List<Ga4Schema.Metric>();
        foreach (var node in o["metrics"]?.AsArray() ?? [])
        {
            if (node is JsonObject m && m.Any(p => p.Key != "name"))
            {
                return (null, "Metric expression and invisible are not emulated by the sandbox; request plain metric names.");
            }

            var name = node?["name"]?.GetValue<string>() ?? "";
            var metric = Ga4Schema.FindMetric(name, adsLinked);
            if (metric is null)
            {
                var hint = name == "conversions" ? " Did you mean keyEvents? conversions was renamed to keyEvents." : "";
                return (null, $"Field {name} is not a valid metric.{hint} {SchemaDocs}");
            }

            metrics.Add(metric);
        }

        if (metrics.Count == 0 && dimensions.Count == 0)
        {
            return (null, "At least one dimension or metric is required.");
        }

        if (dimensions.Count > 9 || metrics.Count > 10)
        {
            return (null, "Requests are limited to 9 dimensions and 10 metrics.");
        }

        var ranges = o["dateRanges"]?.AsArray();
        if (ranges is null || ranges.Count == 0)
        {
            return (null, "dateRanges is required.");
        }

        if (ranges.Count > 1)
        {
            return (null, "Several dateRanges are not emulated by the sandbox; send one date range per request.");
        }

        var start = ParseDate(ranges[0]?["startDate"]?.GetValue<string>(), today);
        var end = ParseDate(ranges[0]?["endDate"]?.GetValue<string>(), today);
        if (start is null || end is null)
        {
            return (null, "Invalid date range: dates must be YYYY-MM-DD, NdaysAgo, yesterday or today.");
        }

        if (end < start)
        {
            return (null, "Invalid date range: endDate must not be before startDate.");
        }

        var offset = ReadInt64(o["offset"]) ?? 0;
        var limit = ReadInt64(o["limit"]) ?? DefaultLimit;
        if (offset < 0 || limit < 0)
        {
            return (null, "limit and offset must be non-negative.");
        }

        Ga4Filter? filter = null;
        if (o["dimensionFilter"] is { } filterNode)
        {
            string? filterError;
            (filter, filterError) = Ga4Filter.Parse(filterNode, adsLinked);
            if (filter is null)
            {
                return (null, filterError);
            }
        }

        // The sandbox keeps cost facts apart from sessions: a cost metric goes only with date and the Google Ads dimensions.
        if (metrics.Any(m => m.Ads))
        {
            var incompatible = metrics.Where(m => !m.Ads).Select(m => m.ApiName)
                .Concat(dimensions.Concat(filter?.Fields ?? []).Where(d => !d.AdsCompatible).Select(d => d.ApiName)).FirstOrDefault();
            if (incompatible is not null)
            {
                return (null, $"Please remove {incompatible} to make the request compatible. The request's dimensions & metrics are incompatible. To learn more, see https://ga-dev-tools.web.app/ga4/dimensions-metrics-explorer/");
            }
        }

        var (orderBys, orderError) = ParseOrderBys(o["orderBys"], dimensions, metrics);
        if (orderBys is null)
        {
            return (null, orderError);
        }

        var aggregations = new List<string>();
        foreach (var node in o["metricAggregations"] as JsonArray ?? [])
        {
            var aggregation = Ga4Filter.EnumOf(node, Aggregations);
            if (aggregation is not ("TOTAL" or "MAXIMUM" or "MINIMUM"))
            {
                return (null, $"metricAggregations {node?.ToJsonString()} is not emulated by the sandbox; use TOTAL, MAXIMUM or MINIMUM.");
            }

            aggregations.Add(aggregation);
        }

        // GA4 silently caps the page size.
        limit = limit == 0 ? DefaultLimit : Math.Min(limit, MaxLimit);
        var quota = o["returnPropertyQuota"] is JsonValue q && q.GetValueKind() == JsonValueKind.True;
        return (new Ga4ReportRequest(dimensions, metrics, start.Value, end.Value, offset, limit, quota)
        {
            DimensionFilter = filter,
            OrderBys = orderBys,
            MetricAggregations = aggregations.Distinct().ToList(),
            KeepEmptyRows = o["keepEmptyRows"] is JsonValue k && k.GetValueKind() == JsonValueKind.True,
        }, null);
    }

    private static (List<Ga4OrderBy>?, string?) ParseOrderBys(JsonNode? node, List<Ga4Schema.Dimension> dimensions, List<Ga4Schema.Metric> metrics)
    {
        var result = new List<Ga4OrderBy>();
        foreach (var entry in node as JsonArray ?? [])
        {
            var desc = entry?["desc"] is JsonValue d && d.GetValueKind() == JsonValueKind.True;
            if (entry?["dimension"] is JsonObject dim)
            {
                var name = dim["dimensionName"]?.GetValue<string>() ?? "";
                var index = dimensions.FindIndex(x => x.ApiName == name);
                var orderType = Ga4Filter.EnumOf(dim["orderType"], OrderTypes);
                if (index < 0)
                {
                    return (null, $"Field {name} in orderBys is not one of the request's dimensions.");
                }

                if (orderType is null)
                {
                    return (null, $"Invalid value at 'order_bys.dimension.order_type': {dim["orderType"]?.ToJsonString()}");
                }

                result.Add(new Ga4OrderBy(index, null, orderType, desc));
            }
            else if (entry?["metric"] is JsonObject metric)
            {
                var name = metric["metricName"]?.GetValue<string>() ?? "";
                var index = metrics.FindIndex(x => x.ApiName == name);
                if (index < 0)
                {
                    return (null, $"Field {name} in orderBys is not one of the request's metrics.");
                }

                result.Add(new Ga4OrderBy(null, index, "NUMERIC", desc));
            }
            else
            {
                return (null, "orderBys by pivot are not emulated by the sandbox; order by a dimension or a metric.");
            }
        }

        return (result, null);
    }

    /// <summary>int64 fields arrive as JSON strings from Google clients, as numbers from hand-written ones.</summary>
    private static long? ReadInt64(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<long>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && long.TryParse(v.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => -1,
    };

    private static DateOnly? ParseDate(string? text, DateOnly today)
    {
        if (text is null)
        {
            return null;
        }

        if (text == "today")
        {
            return today;
        }

        if (text == "yesterday")
        {
            return today.AddDays(-1);
        }

        if (text.EndsWith("daysAgo", StringComparison.Ordinal) && int.TryParse(text[..^7], NumberStyles.None, CultureInfo.InvariantCulture, out var ago))
        {
            return today.AddDays(-ago);
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
    }
}

/// <summary>
/// Computes report rows day by day, so memory is bounded by one day's distinct rows (plus the returned page). Orders
/// and aggregations need every row, so a request with them is computed whole.
/// </summary>
internal sealed class Ga4ReportRunner(SandboxWorld world, Ga4ReportRequest request, int generation, Ga4DayCounts? dayCounts = null)
{
    private const string Other = "(other)";
    private readonly int dateIndex = request.Dimensions.ToList().FindIndex(d => d.ApiName == "date");
    private readonly Ga4Schema.Dimension[] groupDimensions = request.Dimensions.Where(d => d.ApiName != "date").ToArray();

    // Everything that changes a day's row count; filtered requests are not remembered (their filters are open-ended).
    private string? Grouping => request.DimensionFilter is not null ? null
        : string.Join(',', groupDimensions.Select(d => d.ApiName)) + "|" + string.Join(',', request.Metrics.Select(m => m.ApiName)) + "|"
            + request.KeepEmptyRows + "|" + world.Options.Ga4OtherRowThreshold.ToString(CultureInfo.InvariantCulture);

    public bool DataLossFromOtherRow { get; private set; }

    public long RowCount { get; private set; }

    /// <summary>TOTAL over every fact the report covers (not a sum of rows: users stay distinct counts).</summary>
    public Ga4Aggregate? Totals { get; private set; }

    /// <summary>Per metric, the row holding its largest and smallest value (MAXIMUM / MINIMUM).</summary>
    public Ga4Aggregate?[]? Maximums { get; private set; }

    public Ga4Aggregate?[]? Minimums { get; private set; }

    /// <summary>Returns the requested page; sets <see cref="RowCount"/> and <see cref="DataLossFromOtherRow"/>.</summary>
    public List<(string[] Dimensions, Ga4Aggregate Metrics)> Run()
    {
        var first = Max(request.StartDate, world.Options.StartDate);
        var last = Min(request.EndDate, world.Options.EndDate);
        var page = new List<(string[], Ga4Aggregate)>();
        if (dateIndex < 0 || request.NeedsAllRows)
        {
            var all = AllRows(first, last);
            RowCount = all.Count;
            page.AddRange(all.Skip((int)Math.Min(int.MaxValue, request.Offset)).Take((int)request.Limit));
            return page;
        }

        // With a date dimension rows stream in date order: count every day, build only days that overlap the page.
        long position = 0;
        var grouping = Grouping;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            if (dayCounts is not null && grouping is not null && dayCounts.TryGet(grouping, day, generation, out var known)
                && (position + known.Rows <= request.Offset || position >= request.Offset + request.Limit))
            {
                position += known.Rows;
                DataLossFromOtherRow |= known.DataLoss;
                continue;
            }

            var lossBefore = DataLossFromOtherRow;
            DataLossFromOtherRow = false;
            var rows = DayRows(day);
            if (grouping is not null)
            {
                dayCounts?.Set(grouping, day, generation, (rows.Count, DataLossFromOtherRow));
            }

            DataLossFromOtherRow |= lossBefore;
            var dayStart = position;
            position += rows.Count;
            if (position <= request.Offset || dayStart >= request.Offset + request.Limit)
            {
                continue;
            }

            foreach (var row in rows)
            {
                if (dayStart >= request.Offset && page.Count < request.Limit)
                {
                    page.Add(row);
                }

                dayStart++;
            }
        }

        RowCount = position;
        return page;
    }

    /// <summary>Every row of the report in its final order, with totals, maximums and minimums.</summary>
    private List<(string[] Dimensions, Ga4Aggregate Metrics)> AllRows(DateOnly first, DateOnly last)
    {
        var totals = new Ga4Aggregate();
        List<(string[] Dimensions, Ga4Aggregate Metrics)> rows = [];
        if (dateIndex >= 0)
        {
            for (var day = first; day <= last; day = day.AddDays(1))
            {
                rows.AddRange(DayRows(day, totals));
            }
        }
        else
        {
            var groups = new Dictionary<string, (string[] Values, Ga4Aggregate Aggregate)>(StringComparer.Ordinal);
            for (var day = first; day <= last; day = day.AddDays(1))
            {
                foreach (var (key, values, fact) in GroupedFacts(day))
                {
                    if (!groups.TryGetValue(key, out var group))
                    {
                        group = (values, new Ga4Aggregate());
                        groups[key] = group;
                    }

                    Add(group.Aggregate, fact);
                    Add(totals, fact);
                }
            }

            rows = Order(WithoutEmpty(groups.Values));
        }

        if (request.OrderBys.Count > 0)
        {
            rows = rows.Order(Comparer<(string[] Dimensions, Ga4Aggregate Metrics)>.Create(CompareByOrderBys)).ToList();
        }

        if (request.MetricAggregations.Contains("TOTAL"))
        {
            Totals = totals;
        }

        if (request.MetricAggregations.Contains("MAXIMUM"))
        {
            Maximums = Extremes(rows, largest: true);
        }

        if (request.MetricAggregations.Contains("MINIMUM"))
        {
            Minimums = Extremes(rows, largest: false);
        }

        return rows;
    }

    private Ga4Aggregate?[] Extremes(List<(string[] Dimensions, Ga4Aggregate Metrics)> rows, bool largest) =>
        request.Metrics.Select(m => rows.Count == 0 ? null
            : (largest ? rows.MaxBy(r => Number(m.Value(r.Metrics))) : rows.MinBy(r => Number(m.Value(r.Metrics)))).Metrics).ToArray();

    private int CompareByOrderBys((string[] Dimensions, Ga4Aggregate Metrics) a, (string[] Dimensions, Ga4Aggregate Metrics) b)
    {
        foreach (var order in request.OrderBys)
        {
            int c;
            if (order.MetricIndex is { } m)
            {
                var metric = request.Metrics[m];
                c = Number(metric.Value(a.Metrics)).CompareTo(Number(metric.Value(b.Metrics)));
            }
            else
            {
                var (x, y) = (a.Dimensions[order.DimensionIndex!.Value], b.Dimensions[order.DimensionIndex.Value]);
                c = order.OrderType switch
                {
                    "NUMERIC" => Number(x).CompareTo(Number(y)),
                    "CASE_INSENSITIVE_ALPHANUMERIC" => string.Compare(x, y, StringComparison.OrdinalIgnoreCase),
                    _ => string.CompareOrdinal(x, y),
                };
            }

            if (c != 0)
            {
                return order.Desc ? -c : c;
            }
        }

        return 0; // a stable sort keeps the default order for ties
    }

    private static double Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : double.NegativeInfinity;

    /// <summary>One day's rows (with the date), in the default order.</summary>
    private List<(string[] Dimensions, Ga4Aggregate Metrics)> DayRows(DateOnly day, Ga4Aggregate? totals = null)
    {
        var groups = new Dictionary<string, (string[] Values, Ga4Aggregate Aggregate)>(StringComparer.Ordinal);
        foreach (var (key, values, fact) in GroupedFacts(day))
        {
            if (!groups.TryGetValue(key, out var group))
            {
                group = (WithDate(values, day), new Ga4Aggregate());
                groups[key] = group;
            }

            Add(group.Aggregate, fact);
            if (totals is not null)
            {
                Add(totals, fact);
            }
        }

        return Order(WithoutEmpty(groups.Values));
    }

    /// <summary>Rows whose requested metrics are all zero are left out unless keepEmptyRows is set, as in GA4.</summary>
    private IEnumerable<(string[] Values, Ga4Aggregate Aggregate)> WithoutEmpty(IEnumerable<(string[] Values, Ga4Aggregate Aggregate)> rows) =>
        request.KeepEmptyRows || request.Metrics.Count == 0 ? rows : rows.Where(r => request.Metrics.Any(m => m.Value(r.Aggregate) != "0"));

    private static void Add(Ga4Aggregate aggregate, Ga4Fact fact)
    {
        if (fact.Segment is { } s)
        {
            aggregate.Add(s);
        }
        else
        {
            aggregate.Add(fact.Ads!);
        }
    }

    /// <summary>The facts of a day the report reads: linked Google Ads days for cost metrics, else traffic segments; filtered.</summary>
    private List<Ga4Fact> Facts(DateOnly day)
    {
        var ads = world.GoogleAds;
        IEnumerable<Ga4Fact> facts = request.Ads
            ? ads.Days(day, generation).Select(d => new Ga4Fact(null, d, ads))
            : world.Ga4.Segments(day, generation).Select(s => new Ga4Fact(s, null, ads));
        return (request.DimensionFilter is { } filter ? facts.Where(filter.Matches) : facts).ToList();
    }

    /// <summary>A day's facts keyed by their non-date dimension values, folding the long tail into (other).</summary>
    private IEnumerable<(string Key, string[] Values, Ga4Fact Fact)> GroupedFacts(DateOnly day)
    {
        var facts = Facts(day);
        var keyed = new List<(string Key, string[] Values, Ga4Fact Fact)>(facts.Count);
        var sessionsByKey = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var f in facts)
        {
            var values = groupDimensions.Select(d => d.Value(f)).ToArray();
            var key = string.Join('\u001f', values);
            keyed.Add((key, values, f));
            sessionsByKey[key] = sessionsByKey.GetValueOrDefault(key) + (f.Segment?.Sessions ?? f.Ads!.Clicks);
        }

        var threshold = world.Options.Ga4OtherRowThreshold;
        if (sessionsByKey.Count <= threshold)
        {
            return keyed;
        }

        DataLossFromOtherRow = true;
        var kept = sessionsByKey.OrderByDescending(x => x.Value).ThenBy(x => x.Key, StringComparer.Ordinal)
            .Take(threshold - 1).Select(x => x.Key).ToHashSet(StringComparer.Ordinal);
        var otherValues = groupDimensions.Select(_ => Other).ToArray();
        var otherKey = string.Join('\u001f', otherValues);
        return keyed.Select(k => kept.Contains(k.Key) ? k : (otherKey, otherValues, k.Fact));
    }

    private string[] WithDate(string[] values, DateOnly day)
    {
        if (dateIndex < 0)
        {
            return values;
        }

        var result = new string[values.Length + 1];
        var j = 0;
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = i == dateIndex ? day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) : values[j++];
        }

        return result;
    }

    /// <summary>The default order: most sessions (or ad clicks) first, then by dimension values.</summary>
    private static List<(string[] Dimensions, Ga4Aggregate Metrics)> Order(IEnumerable<(string[] Values, Ga4Aggregate Aggregate)> rows) =>
        rows.OrderByDescending(r => r.Aggregate.Sessions + r.Aggregate.AdClicks)
            .ThenBy(r => string.Join('\u001f', r.Values), StringComparer.Ordinal)
            .Select(r => (r.Values, r.Aggregate))
            .ToList();

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
