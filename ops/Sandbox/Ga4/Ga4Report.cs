using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Ga4;

/// <summary>A parsed runReport request.</summary>
internal sealed record Ga4ReportRequest(
    IReadOnlyList<Ga4Schema.Dimension> Dimensions, IReadOnlyList<Ga4Schema.Metric> Metrics, DateOnly StartDate, DateOnly EndDate,
    long Offset, long Limit, bool ReturnPropertyQuota)
{
    public const long MaxLimit = 250_000, DefaultLimit = 10_000;

    /// <summary>Parses the request or returns the INVALID_ARGUMENT message GA4 would give.</summary>
    public static (Ga4ReportRequest? Request, string? Error) Parse(JsonNode? body, DateOnly today)
    {
        if (body is not JsonObject o)
        {
            return (null, "Invalid JSON payload received.");
        }

        var dimensions = new List<Ga4Schema.Dimension>();
        foreach (var node in o["dimensions"]?.AsArray() ?? [])
        {
            var name = node?["name"]?.GetValue<string>() ?? "";
            var dimension = Ga4Schema.FindDimension(name);
            if (dimension is null)
            {
                return (null, $"Field {name} is not a valid dimension. For a list of valid dimensions and metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema");
            }

            dimensions.Add(dimension);
        }

        var metrics = new List<Ga4Schema.Metric>();
        foreach (var node in o["metrics"]?.AsArray() ?? [])
        {
            var name = node?["name"]?.GetValue<string>() ?? "";
            var metric = Ga4Schema.FindMetric(name);
            if (metric is null)
            {
                var hint = name == "conversions" ? " Did you mean keyEvents? conversions was renamed to keyEvents." : "";
                return (null, $"Field {name} is not a valid metric.{hint} For a list of valid dimensions and metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema");
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
            return (null, "The sandbox supports one date range per request.");
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

        // GA4 silently caps the page size.
        limit = limit == 0 ? DefaultLimit : Math.Min(limit, MaxLimit);
        var quota = o["returnPropertyQuota"] is JsonValue q && q.GetValueKind() == JsonValueKind.True;
        return (new Ga4ReportRequest(dimensions, metrics, start.Value, end.Value, offset, limit, quota), null);
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
/// Computes report rows day by day, so memory is bounded by one day's distinct rows (plus the returned page).
/// </summary>
internal sealed class Ga4ReportRunner(SandboxWorld world, Ga4ReportRequest request, int generation, Ga4DayCounts? dayCounts = null)
{
    private const string Other = "(other)";
    private readonly int dateIndex = request.Dimensions.ToList().FindIndex(d => d.ApiName == "date");
    private readonly Ga4Schema.Dimension[] groupDimensions = request.Dimensions.Where(d => d.ApiName != "date").ToArray();
    private string Grouping => string.Join(',', groupDimensions.Select(d => d.ApiName)) + "|" + world.Options.Ga4OtherRowThreshold.ToString(CultureInfo.InvariantCulture);

    public bool DataLossFromOtherRow { get; private set; }

    public long RowCount { get; private set; }

    /// <summary>Returns the requested page; sets <see cref="RowCount"/> and <see cref="DataLossFromOtherRow"/>.</summary>
    public List<(string[] Dimensions, Ga4Aggregate Metrics)> Run()
    {
        var first = Max(request.StartDate, world.Options.StartDate);
        var last = Min(request.EndDate, world.Options.EndDate);
        var page = new List<(string[], Ga4Aggregate)>();
        if (dateIndex < 0)
        {
            var totals = new Dictionary<string, (string[] Values, Ga4Aggregate Aggregate)>(StringComparer.Ordinal);
            for (var day = first; day <= last; day = day.AddDays(1))
            {
                foreach (var (key, values, segment) in GroupedSegments(day))
                {
                    if (!totals.TryGetValue(key, out var group))
                    {
                        group = (values, new Ga4Aggregate());
                        totals[key] = group;
                    }

                    group.Aggregate.Add(segment);
                }
            }

            var ordered = Order(totals.Values.Select(x => (x.Values, x.Aggregate)));
            RowCount = ordered.Count;
            page.AddRange(ordered.Skip((int)Math.Min(int.MaxValue, request.Offset)).Take((int)request.Limit));
            return page;
        }

        // With a date dimension rows stream in date order: count every day, build only days that overlap the page.
        long position = 0;
        var grouping = Grouping;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            if (dayCounts is not null && dayCounts.TryGet(grouping, day, generation, out var known)
                && (position + known.Rows <= request.Offset || position >= request.Offset + request.Limit))
            {
                position += known.Rows;
                DataLossFromOtherRow |= known.DataLoss;
                continue;
            }

            var lossBefore = DataLossFromOtherRow;
            DataLossFromOtherRow = false;
            var groups = new Dictionary<string, (string[] Values, Ga4Aggregate Aggregate)>(StringComparer.Ordinal);
            foreach (var (key, values, segment) in GroupedSegments(day))
            {
                if (!groups.TryGetValue(key, out var group))
                {
                    group = (WithDate(values, day), new Ga4Aggregate());
                    groups[key] = group;
                }

                group.Aggregate.Add(segment);
            }

            dayCounts?.Set(grouping, day, generation, (groups.Count, DataLossFromOtherRow));
            DataLossFromOtherRow |= lossBefore;
            var dayStart = position;
            position += groups.Count;
            if (position <= request.Offset || dayStart >= request.Offset + request.Limit)
            {
                continue;
            }

            foreach (var row in Order(groups.Values.Select(x => (x.Values, x.Aggregate))))
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

    /// <summary>A day's segments keyed by their non-date dimension values, folding the long tail into (other).</summary>
    private IEnumerable<(string Key, string[] Values, Ga4Segment Segment)> GroupedSegments(DateOnly day)
    {
        var segments = world.Ga4.Segments(day, generation);
        var keyed = new List<(string Key, string[] Values, Ga4Segment Segment)>(segments.Count);
        var sessionsByKey = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in segments)
        {
            var values = groupDimensions.Select(d => d.Value(s)).ToArray();
            var key = string.Join('\u001f', values);
            keyed.Add((key, values, s));
            sessionsByKey[key] = sessionsByKey.GetValueOrDefault(key) + s.Sessions;
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
        return keyed.Select(k => kept.Contains(k.Key) ? k : (otherKey, otherValues, k.Segment));
    }

    private string[] WithDate(string[] values, DateOnly day)
    {
        var result = new string[values.Length + 1];
        var j = 0;
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = i == dateIndex ? day.ToString("yyyyMMdd", CultureInfo.InvariantCulture) : values[j++];
        }

        return result;
    }

    private static List<(string[] Dimensions, Ga4Aggregate Metrics)> Order(IEnumerable<(string[] Values, Ga4Aggregate Aggregate)> rows) =>
        rows.OrderByDescending(r => r.Aggregate.Sessions)
            .ThenBy(r => string.Join('\u001f', r.Values), StringComparer.Ordinal)
            .Select(r => (r.Values, r.Aggregate))
            .ToList();

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
