using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Conformance;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Connectors.Pipedrive.Tests;

/// <summary>The shared connector conformance kit, run for Pipedrive's deals and persons.</summary>
public sealed partial class PipedriveConformanceTests : ConnectorConformanceTests
{
    protected override SandboxApi Api => SandboxApi.Pipedrive;

    /// <summary>A personal API token does not renew: an expired one fails for good.</summary>
    protected override bool TokensRenew => false;

    protected override void AddSource(IServiceCollection services, SandboxServer sandbox) =>
        new PipedriveModule().Register(services, PipedriveTest.Options(sandbox));

    protected override IEnumerable<TruthCheck> TruthChecks(SandboxWorld world)
    {
        yield return new("deals", "SELECT count(*) FROM staging.pipedrive_deals", world.Pipedrive.Deals.Count);
        yield return new("won value", "SELECT sum(value) FROM staging.pipedrive_deals WHERE status = 'won'", world.Pipedrive.WonValue);
        yield return new("persons", "SELECT count(*) FROM staging.pipedrive_persons", world.Pipedrive.Persons.Count);
        yield return new("persons with e-mail hash", "SELECT count(primary_email_sha256) FROM staging.pipedrive_persons", world.Pipedrive.Persons.Count);
    }

    /// <summary>Nothing changed: <c>{"success":true,"data":[],"additional_data":{"next_cursor":null}}</c>.</summary>
    protected override string? EmptyResponse(HttpRequestMessage request, string responseBody) =>
        JsonNode.Parse(responseBody) is JsonObject { } page && page["data"] is JsonArray
            ? """{"success":true,"data":[],"additional_data":{"next_cursor":null}}"""
            : null;

    /// <summary>
    /// Keys v2 leaves out when unset: the organisation, person, close and won times, expected close date and a
    /// person's e-mails (a person may have none), and <c>next_cursor</c> on the last page.
    /// </summary>
    protected override IReadOnlyCollection<string> OptionalKeys =>
        ["org_id", "person_id", "won_time", "close_time", "expected_close_date", "emails", "emails.label", "is_deleted"];

    /// <summary>A deal value arrives as "n/a".</summary>
    protected override string CorruptOneRecord(string responseBody) => Value().Replace(responseBody, "\"value\":\"n/a\"", 1);

    [GeneratedRegex("\"value\"\\s*:\\s*[0-9.]+")]
    private static partial Regex Value();
}
