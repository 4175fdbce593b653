using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.Hosting;

namespace Pipeline.Sandbox.Ga4;

/// <summary>GA4 Data API v1beta: runReport, batchRunReports and metadata for the world's one property.</summary>
internal static class Ga4Api
{
    public static void Map(WebApplication app, SandboxState state)
    {
        // "{id}:runReport" is one path segment, so the method is split off by hand.
        app.MapPost("/ga4/v1beta/properties/{target}", ctx => Post(ctx, state, (string)ctx.Request.RouteValues["target"]!));
        app.MapGet("/ga4/v1beta/properties/{propertyId}/metadata", ctx => Metadata(ctx, state, (string)ctx.Request.RouteValues["propertyId"]!));
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
        if (GoogleTokenStore.BearerOf(ctx) is not { } token || !state.GoogleTokens.IsValid(token))
        {
            await GoogleErrors.Unauthenticated(ctx);
            return false;
        }

        if (propertyId != state.World.Ga4.PropertyId)
        {
            await GoogleErrors.PermissionDenied(ctx);
            return false;
        }

        return true;
    }

    private static async Task RunReport(HttpContext ctx, SandboxState state, JsonNode? body)
    {
        var (request, error) = Ga4ReportRequest.Parse(body, state.World.Today);
        if (request is null)
        {
            await GoogleErrors.InvalidArgument(ctx, error!);
            return;
        }

        if (state.Ga4Quota.Exhausted)
        {
            await GoogleErrors.TokensPerDayExhausted(ctx);
            return;
        }

        var report = Compute(state, request);
        await HttpJson.Write(ctx, 200, w => WriteReport(w, state, request, report, "analyticsData#runReport"));
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
            var (request, error) = Ga4ReportRequest.Parse(node, state.World.Today);
            if (request is null)
            {
                await GoogleErrors.InvalidArgument(ctx, error!);
                return;
            }

            parsed.Add(request);
        }

        var reports = parsed.Select(r => (Request: r, Report: Compute(state, r))).ToList();
        await HttpJson.Write(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("reports");
            foreach (var (request, report) in reports)
            {
                WriteReport(w, state, request, report, "analyticsData#runReport");
            }

            w.WriteEndArray();
            w.WriteString("kind", "analyticsData#batchRunReports");
            w.WriteEndObject();
        });
    }

    private sealed record ComputedReport(List<(string[] Dimensions, World.Ga4Aggregate Metrics)> Rows, long RowCount, bool DataLoss, long Tokens);

    private static ComputedReport Compute(SandboxState state, Ga4ReportRequest request)
    {
        var runner = new Ga4ReportRunner(state.World, request, state.World.ReadGeneration, state.Ga4DayCounts);
        var rows = runner.Run();
        var days = Math.Max(1, request.EndDate.DayNumber - request.StartDate.DayNumber + 1);
        // Token cost grows with the date span, the number of dimensions and the rows returned, as GA4's does.
        var tokens = 1 + (days * (1 + request.Dimensions.Count) / 30) + (rows.Count / 1000);
        state.Ga4Quota.Consume(tokens);
        return new ComputedReport(rows, runner.RowCount, runner.DataLossFromOtherRow, tokens);
    }

    private static void WriteReport(Utf8JsonWriter w, SandboxState state, Ga4ReportRequest request, ComputedReport report, string kind)
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
            w.WriteString("type", m.Type);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        // Like the real (proto3 JSON) API: empty rows and a zero rowCount are omitted, not sent as [] / 0.
        if (report.Rows.Count > 0)
        {
            w.WriteStartArray("rows");
            foreach (var (dimensions, metrics) in report.Rows)
            {
                w.WriteStartObject();
                w.WriteStartArray("dimensionValues");
                foreach (var value in dimensions)
                {
                    w.WriteStartObject();
                    w.WriteString("value", value);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("metricValues");
                foreach (var m in request.Metrics)
                {
                    w.WriteStartObject();
                    w.WriteString("value", m.Value(metrics));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
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

    private static async Task Metadata(HttpContext ctx, SandboxState state, string propertyId)
    {
        if (!await Authorize(ctx, state, propertyId))
        {
            return;
        }

        await HttpJson.Write(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", $"properties/{propertyId}/metadata");
            w.WriteStartArray("dimensions");
            foreach (var d in Ga4Schema.Dimensions)
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
            foreach (var m in Ga4Schema.Metrics)
            {
                w.WriteStartObject();
                w.WriteString("apiName", m.ApiName);
                w.WriteString("uiName", m.UiName);
                w.WriteString("description", m.UiName + ".");
                w.WriteString("type", m.Type);
                w.WriteString("category", m.Category);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
