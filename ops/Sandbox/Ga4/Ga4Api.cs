using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.Hosting;

namespace Pipeline.Sandbox.Ga4;

/// <summary>GA4 Data API v1beta: runReport, batchRunReports and metadata for the world's one property.</summary>
internal static class Ga4Api
{
    public static void Map(WebApplication app, SandboxState agency)
    {
        // Each request is served by the account it names: an agency client's own world and limits, or the world's own.
        // "{id}:runReport" is one path segment, so the method is split off by hand.
        app.MapPost("/ga4/v1beta/properties/{target}", AgencyTenants.Serve(agency, (ctx, state) => Post(ctx, state, (string)ctx.Request.RouteValues["target"]!)));
        // Admin API v1beta properties.get (analyticsadmin.googleapis.com on Google; one root here, the paths do not collide).
        app.MapGet("/ga4/v1beta/properties/{propertyId}", AgencyTenants.Serve(agency, (ctx, state) => Property(ctx, state, (string)ctx.Request.RouteValues["propertyId"]!)));
        app.MapGet("/ga4/v1beta/properties/{propertyId}/metadata", AgencyTenants.Serve(agency, (ctx, state) => Metadata(ctx, state, (string)ctx.Request.RouteValues["propertyId"]!)));
    }

    private static async Task Post(HttpContext ctx, SandboxState state, string target)
    {
        var colon = target.IndexOf(':', StringComparison.Ordinal);
        var (propertyId, method) = colon < 0 ? (target, "") : (target[..colon], target[(colon + 1)..]);
        if (!await Authorize(ctx, state, propertyId))
        {
            return;
        }

        var body = await HttpJson.ReadBody(ctx);
        switch (method)
        {
            case "runReport":
                await RunReport(ctx, state, body);
                break;
            case "batchRunReports":
                await BatchRunReports(ctx, state, body);
                break;
            default:
                await GoogleErrors.Write(ctx, 404, "NOT_FOUND", "Method not found.");
                break;
        }
    }

    private static async Task<bool> Authorize(HttpContext ctx, SandboxState state, string propertyId)
    {
        if (GoogleTokenStore.BearerOf(ctx) is not { } token
            || !(state.GoogleTokens.IsValid(token) || GoogleSelfSignedJwt.IsValid(token, state, DateTimeOffset.UtcNow)))
        {
            await GoogleErrors.Unauthenticated(ctx);
            return false;
        }

        if (propertyId != state.World.Ga4.PropertyId)
        {
            await GoogleErrors.PermissionDenied(ctx);
            return false;
        }

        if (QueryProblem(ctx) is { } problem)
        {
            await GoogleErrors.InvalidArgument(ctx, problem);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Google's system parameters: <c>$alt=json;enum-encoding=int</c> (what the official client libraries send) and
    /// prettyPrint are served; anything else is refused, as GA4 refuses a query parameter it cannot bind.
    /// </summary>
    private static string? QueryProblem(HttpContext ctx)
    {
        foreach (var (key, values) in ctx.Request.Query)
        {
            if (key is "$alt" or "alt")
            {
                if (values.Any(v => v is not ("json" or "json;enum-encoding=int")))
                {
                    return $"The sandbox serves $alt=json and $alt=json;enum-encoding=int only, not {key}={values}.";
                }
            }
            else if (key != "prettyPrint")
            {
                return $"Invalid JSON payload received. Unknown name \"{key}\": Cannot bind query parameter. Field '{key}' could not be found in request message.";
            }
        }

        return null;
    }

    /// <summary>Enums as their numbers (<c>enum-encoding=int</c>) instead of their names.</summary>
    private static bool IntEnums(HttpContext ctx) =>
        ctx.Request.Query.TryGetValue("$alt", out var alt) && alt.Any(v => v?.Contains("enum-encoding=int", StringComparison.Ordinal) == true);

    private static DateOnly Today(SandboxState state) => state.World.Ga4.Today(DateTimeOffset.UtcNow);

    private static async Task RunReport(HttpContext ctx, SandboxState state, JsonNode? body)
    {
        var (request, error) = Ga4ReportRequest.Parse(body, Today(state), state.World.GoogleAds.Linked, state.World.Ga4.PropertyId);
        if (request is null)
        {
            await GoogleErrors.InvalidArgument(ctx, error!);
            return;
        }

        if (state.Ga4Quota.Exhausted)
        {
            state.Observed.Refuse(SandboxApi.Ga4);
            await GoogleErrors.TokensPerDayExhausted(ctx);
            return;
        }

        var report = Compute(state, request);
        var ints = IntEnums(ctx);
        await HttpJson.Write(ctx, 200, w => WriteReport(w, state, request, report, "analyticsData#runReport", ints));
    }

    private static async Task BatchRunReports(HttpContext ctx, SandboxState state, JsonNode? body)
    {
        var requests = body?["requests"] as JsonArray;
        if (requests is null || requests.Count is 0 or > 5)
        {
            await GoogleErrors.InvalidArgument(ctx, "batchRunReports takes between 1 and 5 requests.");
            return;
        }

        var parsed = new List<Ga4ReportRequest>();
        foreach (var node in requests)
        {
            var (request, error) = Ga4ReportRequest.Parse(node, Today(state), state.World.GoogleAds.Linked, state.World.Ga4.PropertyId);
            if (request is null)
            {
                await GoogleErrors.InvalidArgument(ctx, error!);
                return;
            }

            parsed.Add(request);
        }

        var reports = parsed.Select(r => (Request: r, Report: Compute(state, r))).ToList();
        var ints = IntEnums(ctx);
        await HttpJson.Write(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("reports");
            foreach (var (request, report) in reports)
            {
                WriteReport(w, state, request, report, "analyticsData#runReport", ints);
            }

            w.WriteEndArray();
            w.WriteString("kind", "analyticsData#batchRunReports");
            w.WriteEndObject();
        });
    }

    private sealed record ComputedReport(List<(string[] Dimensions, World.Ga4Aggregate Metrics)> Rows, long RowCount, bool DataLoss, long Tokens)
    {
        public World.Ga4Aggregate? Totals { get; init; }
        public World.Ga4Aggregate?[]? Maximums { get; init; }
        public World.Ga4Aggregate?[]? Minimums { get; init; }
    }

    private static ComputedReport Compute(SandboxState state, Ga4ReportRequest request)
    {
        var runner = new Ga4ReportRunner(state.World, request, state.World.ReadGeneration, state.Ga4DayCounts);
        var rows = runner.Run();
        var days = Math.Max(1, request.EndDate.DayNumber - request.StartDate.DayNumber + 1);
        // Token cost grows with the date span, the number of dimensions and the rows returned, as GA4's does.
        var tokens = 1 + (days * (1 + request.Dimensions.Count) / 30) + (rows.Count / 1000);
        state.Ga4Quota.Consume(tokens);
        return new ComputedReport(rows, runner.RowCount, runner.DataLossFromOtherRow, tokens)
        {
            Totals = runner.Totals,
            Maximums = runner.Maximums,
            Minimums = runner.Minimums,
        };
    }

    private static void WriteReport(Utf8JsonWriter w, SandboxState state, Ga4ReportRequest request, ComputedReport report, string kind, bool intEnums)
    {
        w.WriteStartObject();
        w.WriteStartArray("dimensionHeaders");
        foreach (var d in request.Dimensions)
        {
            w.WriteStartObject();
            w.WriteString("name", d.ApiName);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("metricHeaders");
        foreach (var m in request.Metrics)
        {
            w.WriteStartObject();
            w.WriteString("name", m.ApiName);
            WriteType(w, m, intEnums);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        // Like the real (proto3 JSON) API: empty rows and a zero rowCount are omitted, not sent as [] / 0.
        if (report.Rows.Count > 0)
        {
            w.WriteStartArray("rows");
            foreach (var (dimensions, metrics) in report.Rows)
            {
                WriteRow(w, dimensions, request.Metrics.Select(m => m.Value(metrics)));
            }

            w.WriteEndArray();
        }

        // Aggregates: one row each, dimension values RESERVED_TOTAL / _MAX / _MIN; omitted when there are no rows.
        if (report.RowCount > 0)
        {
            WriteAggregate(w, "totals", "RESERVED_TOTAL", request, report.Totals is { } t ? request.Metrics.Select(_ => t).ToArray() : null);
            WriteAggregate(w, "maximums", "RESERVED_MAX", request, report.Maximums);
            WriteAggregate(w, "minimums", "RESERVED_MIN", request, report.Minimums);
        }

        if (report.RowCount > 0)
        {
            w.WriteNumber("rowCount", report.RowCount);
        }

        w.WriteStartObject("metadata");
        w.WriteString("currencyCode", state.World.Ga4.CurrencyCode);
        w.WriteString("timeZone", state.World.Ga4.TimeZone);
        if (report.DataLoss)
        {
            w.WriteBoolean("dataLossFromOtherRow", true);
        }

        if (report.RowCount == 0)
        {
            w.WriteString("emptyReason", "No data for the requested date range.");
        }

        if (state.Options.Ga4SampledAboveDays is { } sampledAbove && request.EndDate.DayNumber - request.StartDate.DayNumber + 1 > sampledAbove)
        {
            w.WriteStartArray("samplingMetadatas");
            w.WriteStartObject();
            w.WriteString("samplesReadCount", "500000");
            w.WriteString("samplingSpaceSize", "2000000");
            w.WriteEndObject();
            w.WriteEndArray();
        }

        if (state.Options.Ga4Thresholded)
        {
            w.WriteBoolean("subjectToThresholding", true);
        }

        w.WriteEndObject();
        if (request.ReturnPropertyQuota)
        {
            state.Ga4Quota.Write(w, report.Tokens);
        }

        w.WriteString("kind", kind);
        w.WriteEndObject();
    }

    private static void WriteAggregate(Utf8JsonWriter w, string name, string label, Ga4ReportRequest request, World.Ga4Aggregate?[]? perMetric)
    {
        if (perMetric is null)
        {
            return;
        }

        w.WriteStartArray(name);
        WriteRow(w, request.Dimensions.Select(_ => label), request.Metrics.Select((m, i) => perMetric[i] is { } a ? m.Value(a) : "0"));
        w.WriteEndArray();
    }

    private static void WriteRow(Utf8JsonWriter w, IEnumerable<string> dimensionValues, IEnumerable<string> metricValues)
    {
        w.WriteStartObject();
        w.WriteStartArray("dimensionValues");
        foreach (var value in dimensionValues)
        {
            w.WriteStartObject();
            w.WriteString("value", value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("metricValues");
        foreach (var value in metricValues)
        {
            w.WriteStartObject();
            w.WriteString("value", value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteType(Utf8JsonWriter w, Ga4Schema.Metric m, bool intEnums)
    {
        if (intEnums)
        {
            w.WriteNumber("type", m.TypeNumber);
        }
        else
        {
            w.WriteString("type", m.Type);
        }
    }

    /// <summary>The Admin API <c>Property</c> resource of the world's property (createTime in RFC 3339 UTC, as Google sends it).</summary>
    private static async Task Property(HttpContext ctx, SandboxState state, string propertyId)
    {
        if (!await Authorize(ctx, state, propertyId))
        {
            return;
        }

        var ga4 = state.World.Ga4;
        var created = ga4.CreateTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        await HttpJson.Write(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", $"properties/{ga4.PropertyId}");
            w.WriteString("propertyType", "PROPERTY_TYPE_ORDINARY");
            w.WriteString("createTime", created);
            w.WriteString("updateTime", created);
            w.WriteString("parent", "accounts/100200300");
            w.WriteString("displayName", "Nordlicht Shop");
            w.WriteString("industryCategory", "SHOPPING");
            w.WriteString("timeZone", ga4.TimeZone);
            w.WriteString("currencyCode", ga4.CurrencyCode);
            w.WriteString("serviceLevel", "GOOGLE_ANALYTICS_STANDARD");
            w.WriteString("account", "accounts/100200300");
            w.WriteEndObject();
        });
    }

    private static async Task Metadata(HttpContext ctx, SandboxState state, string propertyId)
    {
        if (!await Authorize(ctx, state, propertyId))
        {
            return;
        }

        // The Google Ads names exist only on a property with a Google Ads link.
        var linked = state.World.GoogleAds.Linked;
        var ints = IntEnums(ctx);
        await HttpJson.Write(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", $"properties/{propertyId}/metadata");
            w.WriteStartArray("dimensions");
            foreach (var d in Ga4Schema.Dimensions.Where(d => linked || !d.Ads))
            {
                w.WriteStartObject();
                w.WriteString("apiName", d.ApiName);
                w.WriteString("uiName", d.UiName);
                w.WriteString("description", d.UiName + ".");
                w.WriteString("category", d.Category);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("metrics");
            foreach (var m in Ga4Schema.Metrics.Where(m => linked || !m.Ads))
            {
                w.WriteStartObject();
                w.WriteString("apiName", m.ApiName);
                w.WriteString("uiName", m.UiName);
                w.WriteString("description", m.UiName + ".");
                WriteType(w, m, ints);
                w.WriteString("category", m.Category);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
