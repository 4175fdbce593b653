using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Conformance;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Connectors.HubSpot.Tests;

/// <summary>The shared connector conformance kit, run for HubSpot (sandbox at its default 100 requests / 10 s).</summary>
public sealed partial class HubSpotConformanceTests : ConnectorConformanceTests
{
    protected override SandboxApi Api => SandboxApi.HubSpot;

    protected override void AddSource(IServiceCollection services, SandboxServer sandbox) =>
        services.AddHubSpotSource(HubSpotTest.Options(sandbox));

    protected override IEnumerable<TruthCheck> TruthChecks(SandboxWorld world) => HubSpotTruth.Checks(world);

    /// <summary>Nothing found: <c>{"results":[]}</c> (search adds <c>"total":0</c>), no paging.</summary>
    protected override string? EmptyResponse(HttpRequestMessage request, string responseBody) =>
        System.Text.Json.Nodes.JsonNode.Parse(responseBody) is System.Text.Json.Nodes.JsonObject { } page && page["results"] is System.Text.Json.Nodes.JsonArray
            ? page.ContainsKey("total") ? "{\"total\":0,\"results\":[]}" : "{\"results\":[]}"
            : null;

    /// <summary>
    /// Keys HubSpot leaves out when they do not apply: associations unless asked for, archivedAt on live records,
    /// paging.prev, stage metadata (custom pipelines may carry none), association errors when all ids resolved, and
    /// properties that have no value on a record. (<c>paging</c> as a whole is absent only on the last page, which the
    /// empty-window case covers: removing it from every page would only truncate the read.)
    /// </summary>
    protected override IReadOnlyCollection<string> OptionalKeys =>
    [
        "associations", "archivedAt", "paging.prev", "metadata", "errors", "numErrors",
        "properties.closedate", "properties.hs_analytics_source_data_1", "properties.hs_analytics_source_data_2", "properties.domain",
        "properties.lifecyclestage", "properties.deal_currency_code",
    ];

    /// <summary>A deal amount arrives as "n/a" (only deal pages carry <c>amount</c>).</summary>
    protected override string CorruptOneRecord(string responseBody) =>
        Amount().Replace(responseBody, "\"amount\":\"n/a\"", 1);

    [GeneratedRegex("\"amount\"\\s*:\\s*\"[^\"]+\"")]
    private static partial Regex Amount();
}
