using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Conformance;
using Pipeline.Etl.Sync;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;
using Pipeline.Warehouse;

namespace Pipeline.Connectors.HubSpot.Tests;

internal static class HubSpotTest
{
    /// <summary>Options pointed at the sandbox with millisecond waits, configured with the portal its token belongs to.</summary>
    public static HubSpotOptions Options(SandboxServer sandbox, Action<HubSpotOptions>? configure = null)
    {
        var options = new HubSpotOptions
        {
            BaseUrl = sandbox.HubSpotBaseAddress,
            RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            RollingWindowWait = TimeSpan.FromMilliseconds(50),
            SecondlyWait = TimeSpan.FromMilliseconds(50),
            Accounts = [new HubSpotAccountOptions { AccessToken = sandbox.Credentials.HubSpotAccessToken, PortalId = sandbox.Credentials.HubSpotPortalId }],
        };
        configure?.Invoke(options);
        return options;
    }

    public static Task<ConformanceHarness> StartAsync(
        WorldOptions? world = null,
        Action<HubSpotOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Func<SandboxOptions, SandboxOptions>? sandbox = null)
    {
        var sandboxOptions = new SandboxOptions { World = world ?? WorldOptions.Demo with { Days = 30 } };
        return ConformanceHarness.StartAsync(
            sandbox?.Invoke(sandboxOptions) ?? sandboxOptions,
            (collection, server) => collection.AddHubSpotSource(Options(server, configure)),
            configure: services);
    }

    public static void AssertSucceeded(IReadOnlyList<SyncSummary> summaries)
    {
        var failures = summaries.SelectMany(s => s.Windows).Where(w => w.Status != SyncRunStatus.Succeeded).Select(w => $"{w.Stream} {w.Window}: {w.Error}").ToList();
        Assert.That(failures, Is.Empty);
        Assert.That(summaries, Is.Not.Empty);
    }

    public static async Task AssertTruthAsync(ConformanceHarness h)
    {
        var report = new StringBuilder();
        foreach (var check in HubSpotTruth.Checks(h.Sandbox.World))
        {
            var actual = await h.ScalarAsync<decimal?>($"SELECT CAST(({check.Sql}) AS DECIMAL(38,9))") ?? 0m;
            if (actual != check.Expected)
            {
                report.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{check.Name}: staging {actual}, truth {check.Expected}");
            }
        }

        Assert.That(report.ToString(), Is.Empty);
    }

    /// <summary>Commits a cursor as if an earlier run had read the stream up to <paramref name="cursor"/>.</summary>
    public static Task SeedCursorAsync(ConformanceHarness h, string stream, string cursor) =>
        h.ExecuteAsync(
            "INSERT INTO etl.sync_state (source, stream, account_id, cursor_value, updated_at, run_id) VALUES ('hubspot', $stream, $account, $cursor, now(), 'seed')",
            new { stream, account = h.Sandbox.Credentials.HubSpotPortalId, cursor });

    public static Task<string?> CursorAsync(ConformanceHarness h, string stream) =>
        h.ScalarAsync<string?>("SELECT cursor_value FROM etl.sync_state WHERE source = 'hubspot' AND stream = $stream", new { stream });
}

/// <summary>Staging totals that must equal what the sandbox world serves.</summary>
internal static class HubSpotTruth
{
    public static IEnumerable<TruthCheck> Checks(SandboxWorld world)
    {
        var live = world.Truth.HubSpotDeals(archived: false);
        var archived = world.Truth.HubSpotDeals(archived: true);
        yield return new("contacts", "SELECT count(*) FROM staging.hubspot_contacts WHERE NOT archived", world.Options.Contacts);
        yield return new("contacts with email hash", "SELECT count(email_sha256) FROM staging.hubspot_contacts", world.Options.Contacts);
        yield return new("companies", "SELECT count(*) FROM staging.hubspot_companies WHERE NOT archived", world.Options.Companies);
        yield return new("deals", "SELECT count(*) FROM staging.hubspot_deals WHERE NOT archived", live.Count);
        yield return new("deal amount", "SELECT sum(amount) FROM staging.hubspot_deals WHERE NOT archived", live.Amount);
        yield return new("closed won deals", "SELECT count(*) FROM staging.hubspot_deals WHERE NOT archived AND hs_is_closed_won", live.ClosedWonCount);
        yield return new("closed won amount", "SELECT sum(amount) FROM staging.hubspot_deals WHERE NOT archived AND hs_is_closed_won", live.ClosedWonAmount);
        yield return new("archived deals", "SELECT count(*) FROM staging.hubspot_deals WHERE archived", archived.Count);
        yield return new("archived deal amount", "SELECT coalesce(sum(amount), 0) FROM staging.hubspot_deals WHERE archived", archived.Amount);
        yield return new("deal pipeline stages", "SELECT count(*) FROM staging.hubspot_deal_pipelines", CrmWorld.Stages.Count);
        yield return new("deal association rows", "SELECT count(*) FROM staging.hubspot_deal_associations", live.Count * 2);
        yield return new("deal contacts", "SELECT sum(association_count) FROM staging.hubspot_deal_associations WHERE to_object_type = 'contacts'", live.Count);
        yield return new("deal companies", "SELECT sum(association_count) FROM staging.hubspot_deal_associations WHERE to_object_type = 'companies'", live.Count);
    }
}

/// <summary>
/// Sits in front of every HubSpot client (outside the SDK's retries): records request bodies, can rewrite responses
/// and can answer paths the sandbox does not serve.
/// </summary>
internal sealed class HubSpotRecorder
{
    public List<(string Method, string Path, string? Body)> Requests { get; } = [];

    public Func<string, string, string>? RewriteResponse { get; set; }

    public Func<HttpRequestMessage, HttpResponseMessage?>? Answer { get; set; }

    public void Clear()
    {
        lock (Requests)
        {
            Requests.Clear();
        }
    }

    public List<(string Method, string Path, string? Body)> Snapshot()
    {
        lock (Requests)
        {
            return [.. Requests];
        }
    }

    public void AddTo(IServiceCollection services) =>
        services.ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler(() => new Handler(this)));

    private sealed class Handler(HubSpotRecorder recorder) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            var path = request.RequestUri!.AbsolutePath;
            lock (recorder.Requests)
            {
                recorder.Requests.Add((request.Method.Method, path, body));
            }

            if (recorder.Answer?.Invoke(request) is { } answered)
            {
                return answered;
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (recorder.RewriteResponse is { } rewrite && response.StatusCode is HttpStatusCode.OK or HttpStatusCode.MultiStatus)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                var changed = rewrite(path, text);
                if (!ReferenceEquals(changed, text))
                {
                    response.Content = new StringContent(changed, Encoding.UTF8, "application/json");
                }
            }

            return response;
        }
    }

    public static HttpResponseMessage Json(string json) => new(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
