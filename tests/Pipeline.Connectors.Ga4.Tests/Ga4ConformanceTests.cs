using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Conformance;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Connectors.Ga4.Tests;

/// <summary>The shared connector conformance kit, run for GA4.</summary>
public sealed partial class Ga4ConformanceTests : ConnectorConformanceTests
{
    protected override SandboxApi Api => SandboxApi.Ga4;

    protected override void AddSource(IServiceCollection services, SandboxServer sandbox)
    {
        var options = Ga4Harness.Options(sandbox);
        // Small chunks and pages so every run crosses window and page boundaries; a fixed zone keeps the
        // damaged-record count exact (no time-zone probe request).
        options.Properties[0].ChunkDays = 7;
        options.Properties[0].PageSize = 100;
        options.Properties[0].TimeZone = "Europe/Berlin";
        services.AddGa4Source(options);
    }

    /// <summary>A metric of the first row arrives as "n/a".</summary>
    protected override string CorruptOneRecord(string responseBody) =>
        FirstMetric().Replace(responseBody, "\"metricValues\":[{\"value\":\"n/a\"}", 1);

    [GeneratedRegex("\"metricValues\"\\s*:\\s*\\[\\s*\\{\\s*\"value\"\\s*:\\s*\"[0-9.]+\"\\s*\\}")]
    private static partial Regex FirstMetric();

    /// <summary>GA4 (proto3) drops every empty or default field: an empty report has no rows, rowCount or totals.</summary>
    protected override string? EmptyResponse(HttpRequestMessage request, string responseBody) =>
        request.RequestUri!.AbsolutePath.EndsWith(":runReport", StringComparison.Ordinal)
            ? JsonKeys.Remove(responseBody, ["rows", "rowCount", "totals", "maximums", "minimums"])
            : null;

    /// <summary>Response keys GA4 omits when unset or default (false flags, no sampling, no quota requested).</summary>
    protected override IReadOnlyCollection<string> OptionalKeys =>
    [
        "propertyQuota", "totals", "maximums", "minimums", "kind", "metricHeaders.type",
        "metadata.currencyCode", "metadata.timeZone", "metadata.dataLossFromOtherRow", "metadata.subjectToThresholding",
        "metadata.samplingMetadatas", "metadata.emptyReason",
    ];

    protected override IEnumerable<TruthCheck> TruthChecks(SandboxWorld world)
    {
        for (var d = world.Options.StartDate; d <= world.Today; d = d.AddDays(1))
        {
            var day = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            yield return new TruthCheck($"sessions {day}", $"SELECT sum(sessions) FROM staging.ga4_traffic_daily WHERE date = DATE '{day}'", world.Truth.Ga4Sessions(d));
            yield return new TruthCheck(
                $"google ads cost {day}", $"SELECT sum(advertiser_ad_cost) FROM staging.ga4_google_ads_daily WHERE date = DATE '{day}'", world.Truth.GoogleAdsCost(d));
        }
    }
}
