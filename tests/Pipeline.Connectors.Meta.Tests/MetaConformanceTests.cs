using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Conformance;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Connectors.Meta.Tests;

/// <summary>The shared connector conformance kit, run for Meta Ads.</summary>
public sealed partial class MetaConformanceTests : ConnectorConformanceTests
{
    protected override SandboxApi Api => SandboxApi.Meta;

    /// <summary>Meta's long-lived tokens do not renew: code 190 fails the run by design.</summary>
    protected override bool TokensRenew => false;

    /// <summary>Throttles announce no regain time, so the conformance fault mix is retried through regular backoff.</summary>
    protected override SandboxOptions ConfigureSandbox(SandboxOptions options) => options with { MetaThrottleRegainMinutes = 0 };

    /// <summary>Noon in Berlin on the world's last day, as the Meta harness: "today" for both accounts is the world's end.</summary>
    protected override DateTimeOffset Now(SandboxWorld world) => new(world.Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.FromHours(1));

    protected override void AddSource(IServiceCollection services, SandboxServer sandbox) =>
        services.AddMetaSource(new MetaOptions
        {
            BaseUrl = sandbox.MetaBaseAddress,
            AccessToken = sandbox.Credentials.MetaAccessToken,
            AdAccountIds = [.. sandbox.Credentials.MetaAdAccountIds],
            FirstRunDays = sandbox.World.Options.Days,
            ChunkDays = 10,
            AsyncPollInterval = TimeSpan.FromMilliseconds(5),
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            PacingMaxPause = TimeSpan.FromMilliseconds(50),
        });

    /// <summary>The first insights row's spend arrives as "n/a".</summary>
    protected override string CorruptOneRecord(string responseBody) => FirstSpend().Replace(responseBody, "\"spend\":\"n/a\"", 1);

    [GeneratedRegex("\"spend\"\\s*:\\s*\"[0-9.]+\"")]
    private static partial Regex FirstSpend();

    /// <summary>
    /// An edge with nothing in it is <c>{"data":[]}</c> with no paging (insights of a window without delivery, an account
    /// without campaigns); the account node, report-run submissions and job-status polls are not pages.
    /// </summary>
    protected override string? EmptyResponse(HttpRequestMessage request, string responseBody) =>
        System.Text.Json.Nodes.JsonNode.Parse(responseBody) is System.Text.Json.Nodes.JsonObject { } page && page["data"] is System.Text.Json.Nodes.JsonArray
            ? "{\"data\":[]}"
            : null;

    /// <summary>The ad account node (read at connect, one row per account) exists whatever the window holds.</summary>
    protected override IReadOnlySet<string> StreamsWithoutEmptyForm => new HashSet<string>(StringComparer.Ordinal) { MetaStreams.AdAccounts.Name };

    /// <summary>
    /// Keys Graph leaves out when they have no value: insights metrics with nothing to report (no actions, no reach at
    /// that level, no clicks so no cpc, …), entity fields that are unset (lifetime budgets have no daily_budget, running
    /// campaigns no stop_time), account fields the token may not see, and the paging cursors an edge does not need.
    /// </summary>
    protected override IReadOnlyCollection<string> OptionalKeys =>
    [
        "actions", "action_values", "cost_per_action_type", "reach", "frequency", "cpc", "cpm", "ctr", "clicks", "inline_link_clicks",
        "account_currency", "daily_budget", "stop_time", "end_time", "effective_status", "account_status", "currency", "name",
        "paging.previous", "cursors.before",
    ];

    protected override IEnumerable<TruthCheck> TruthChecks(SandboxWorld world)
    {
        foreach (var account in world.Meta.Accounts)
        {
            for (var d = world.Options.StartDate; d <= world.Today; d = d.AddDays(1))
            {
                var day = d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                yield return new TruthCheck(
                    $"spend {account.AccountId} {day}",
                    $"SELECT sum(spend) FROM staging.meta_insights_daily WHERE _account_id = '{account.AccountId}' AND date_start = DATE '{day}'",
                    world.Truth.MetaSpend(account.AccountId, d));
            }
        }
    }
}
