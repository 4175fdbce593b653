using Pipeline.Connectors.Conformance;
using Pipeline.Etl.Sync;
using Pipeline.Sandbox;
using Pipeline.Sandbox.Faults;
using Pipeline.Sandbox.World;
using Pipeline.Warehouse;

namespace Pipeline.Connectors.Meta.Tests;

public sealed class MetaConnectorTests
{
    private static readonly SyncRequest OnlyDaily = new("x") { Streams = new HashSet<string> { "insights_daily" } };

    [Test]
    public async Task A_full_sync_matches_the_sandbox_ground_truth_row_for_row()
    {
        var wire = new WireLog();
        await using var h = await MetaHarness.StartAsync(wire: wire);

        var summaries = await h.SyncAsync("r1");

        Assert.That(summaries.All(s => s.Succeeded), Is.True, MetaHarness.Errors(summaries));
        Assert.That(summaries.Select(s => s.AccountId), Is.EquivalentTo(h.Sandbox.Credentials.MetaAdAccountIds));
        await AssertSpendAndPurchasesMatchTruthAsync(h);
        Assert.That(await h.QueryAsync<string>("SELECT DISTINCT _account_id || ' ' || account_currency FROM staging.meta_insights_daily"),
            Is.EquivalentTo(h.Sandbox.World.Meta.Accounts.Select(a => $"{a.AccountId} {a.Currency}")));
        Assert.That(await h.QueryAsync<string>("SELECT id || ' ' || name || ' ' || currency || ' ' || timezone_name FROM staging.meta_ad_accounts"),
            Is.EquivalentTo(h.Sandbox.World.Meta.Accounts.Select(a => $"{a.AccountId} {a.Name} {a.Currency} {a.TimeZone}")));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.Zero);
        // 30-day windows are read through async report runs, never the synchronous endpoint.
        Assert.That(wire.Entries.Count(e => e.IsReportRunSubmit), Is.GreaterThan(0));
        Assert.That(wire.Entries.Where(e => e.IsInsightsGet), Is.Empty);
    }

    [Test]
    public async Task Connections_use_each_ad_accounts_own_time_zone()
    {
        await using var h = await MetaHarness.StartAsync(WorldOptions.Demo with { Days = 3 });

        var connections = await h.Source.ConnectAsync();

        Assert.That(connections.Select(c => c.TimeZone.Id), Is.EqualTo(h.Sandbox.World.Meta.Accounts.Select(a => a.TimeZone)));
        Assert.That(connections.Select(c => c.AccountId), Is.EqualTo(h.Sandbox.World.Meta.Accounts.Select(a => a.AccountId)));
        Assert.That(connections.SelectMany(c => c.Streams).Select(s => s.Settings.MaxHistoryDays).Distinct(), Is.EquivalentTo(new int?[] { null, MetaOptions.MaxHistoryDays }));
    }

    [Test]
    public async Task The_next_day_rereads_28_days_and_replaces_restated_conversions_without_duplicates()
    {
        await using var h = await MetaHarness.StartAsync();
        var first = await h.SyncAsync("r1");
        Assert.That(first.All(s => s.Succeeded), Is.True, MetaHarness.Errors(first));
        const string Snapshot = "SELECT _account_id || '|' || date_start || '|' || ad_id || '|' || spend || '|' || actions_purchase_7d_click FROM staging.meta_insights_daily ";
        var today = h.Sandbox.World.Today;
        var restatedFrom = today.AddDays(-27);
        var oldBefore = await h.QueryAsync<string>(Snapshot + $"WHERE date_start < DATE '{restatedFrom:yyyy-MM-dd}' ORDER BY 1");
        var recentBefore = await PurchasesAsync(h, $"date_start >= DATE '{restatedFrom:yyyy-MM-dd}'");

        h.Sandbox.World.AdvanceReadGeneration(); // Meta attributes late conversions to the last 28 days
        h.Clock.Advance(TimeSpan.FromDays(1));
        var second = await h.SyncAsync("r2");

        Assert.That(second.All(s => s.Succeeded), Is.True, MetaHarness.Errors(second));
        Assert.That(second.SelectMany(s => s.Windows).Where(w => w.Stream == "insights_daily").Select(w => w.Window).Distinct().Single(),
            Is.EqualTo($"{restatedFrom:yyyy-MM-dd}..{today.AddDays(1):yyyy-MM-dd}"));
        Assert.That(await h.QueryAsync<string>(Snapshot + $"WHERE date_start < DATE '{restatedFrom:yyyy-MM-dd}' ORDER BY 1"), Is.EqualTo(oldBefore),
            "days before the lookback are untouched");
        var recentAfter = await PurchasesAsync(h, $"date_start >= DATE '{restatedFrom:yyyy-MM-dd}'");
        Assert.That(recentAfter, Is.Not.EqualTo(recentBefore), "the world did restate, so the test can tell old from new figures");
        await AssertSpendAndPurchasesMatchTruthAsync(h);
        Assert.That(await h.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT _account_id, date_start, ad_id, count(*) c FROM staging.meta_insights_daily GROUP BY ALL HAVING c > 1)"), Is.Zero);
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.meta_campaigns"), Is.EqualTo(h.Sandbox.World.Meta.Campaigns.Count), "entities upserted, not appended");
    }

    [Test]
    public async Task Breakdown_streams_keep_every_breakdown_value_in_the_key()
    {
        await using var h = await MetaHarness.StartAsync(WorldOptions.Demo with { Days = 10 }, (o, _) => o.FirstRunDays = 10);

        var summaries = await h.SyncAsync("r1");

        Assert.That(summaries.All(s => s.Succeeded), Is.True, MetaHarness.Errors(summaries));
        foreach (var breakdown in new[] { "country", "device_platform", "publisher_platform" })
        {
            var table = $"staging.meta_insights_daily_by_{breakdown}";
            var mismatches = await h.ScalarAsync<long>(
                $"""
                SELECT count(*) FROM (
                    SELECT _account_id, date_start, ad_id, sum(spend) spend, sum(impressions) impressions, sum(clicks) clicks,
                           sum(actions_purchase_7d_click) purchases
                    FROM {table} GROUP BY ALL) b
                FULL OUTER JOIN (
                    SELECT _account_id, date_start, ad_id, spend, impressions, clicks, actions_purchase_7d_click purchases
                    FROM staging.meta_insights_daily) d USING (_account_id, date_start, ad_id)
                WHERE b.spend IS DISTINCT FROM d.spend OR b.impressions IS DISTINCT FROM d.impressions
                   OR b.clicks IS DISTINCT FROM d.clicks OR b.purchases IS DISTINCT FROM d.purchases
                """);
            Assert.That(mismatches, Is.Zero, $"{breakdown}: the values of one ad-day add up to its unbroken row");
            Assert.That(await h.ScalarAsync<long>($"SELECT count(*) FROM (SELECT _account_id, date_start, ad_id, {breakdown}, count(*) c FROM {table} GROUP BY ALL HAVING c > 1)"),
                Is.Zero, $"{breakdown}: one row per key");
            foreach (var account in h.Sandbox.World.Meta.Accounts)
            {
                var values = h.Sandbox.World.Meta.BreakdownsOf(account.AccountId).Single(b => b.Name == breakdown).Values;
                Assert.That(await h.QueryAsync<string>($"SELECT DISTINCT {breakdown} FROM {table} WHERE _account_id = '{account.AccountId}'"),
                    Is.EquivalentTo(values), $"{breakdown}: every value of account {account.AccountId} arrives as its own row");
            }
        }

        var stream = h.Source.Streams.Single(s => s.Name == "insights_daily_by_country");
        Assert.That(stream.PrimaryKey, Is.EqualTo(new[] { "date_start", "account_id", "campaign_id", "adset_id", "ad_id", "country" }));
        Assert.That(stream.Field("reach").NonAdditive && stream.Field("frequency").NonAdditive, Is.True);
    }

    [Test]
    public async Task Failed_report_runs_are_retried()
    {
        var failed = new HashSet<string>();
        var wire = new WireLog();
        await using var h = await MetaHarness.StartAsync(WorldOptions.Demo with { Days = 12 }, (o, _) => o.FirstRunDays = 12, wire: wire, rewriteBody: (request, body) =>
        {
            // The first run of each ad account answers "Job Failed" on its first poll (the sandbox never fails a run).
            if (IsRunStatus(request) && !failed.Contains(Account(body)))
            {
                failed.Add(Account(body));
                return body.Replace("\"Job Not Started\"", "\"Job Failed\"", StringComparison.Ordinal);
            }

            return body;
        });

        var summaries = await h.SyncAsync(OnlyDaily);

        Assert.That(summaries.All(s => s.Succeeded), Is.True, MetaHarness.Errors(summaries));
        Assert.That(failed, Has.Count.EqualTo(2));
        Assert.That(wire.Entries.Count(e => e.IsReportRunSubmit), Is.EqualTo(4), "one failed and one good run per account");
        Assert.That(wire.Entries.Where(e => e.IsReportRunSubmit).Select(e => e.RangeDays), Is.All.EqualTo(12), "a retry keeps the range");
        await AssertSpendAndPurchasesMatchTruthAsync(h);
    }

    [Test]
    public async Task Report_runs_that_keep_failing_are_split_into_shorter_ranges()
    {
        var wire = new WireLog();
        await using var h = await MetaHarness.StartAsync(
            WorldOptions.Demo with { Days = 12 },
            (o, _) =>
            {
                o.FirstRunDays = 12;
                o.SyncMaxDays = 3;
                o.AdAccountIds = [o.AdAccountIds[0]];
            },
            wire: wire,
            rewriteBody: (request, body) =>
                // Runs over more than 6 days always fail, as Meta's do when a report is too heavy.
                IsRunStatus(request) && RunDays(body) > 6 ? body.Replace("\"Job Not Started\"", "\"Job Failed\"", StringComparison.Ordinal) : body);

        var summaries = await h.SyncAsync(OnlyDaily);

        Assert.That(summaries.All(s => s.Succeeded), Is.True, MetaHarness.Errors(summaries));
        var submits = wire.Entries.Where(e => e.IsReportRunSubmit).Select(e => e.RangeDays).ToList();
        Assert.That(submits, Is.EqualTo(new[] { 12, 12, 6, 6 }), "two attempts at 12 days, then each half");
        await AssertSpendAndPurchasesMatchTruthAsync(h, onlyAccount: h.Sandbox.World.Meta.Accounts[0].AccountId);
    }

    [Test]
    public async Task Short_windows_use_the_synchronous_endpoint_and_split_when_meta_asks_for_less_data()
    {
        // 16 ads a day per account: a 7-day sync request is 112 rows, over the limit; 4 days (64) too; 2 days fit.
        // By country a single day is 64 rows: it goes to an async run.
        var wire = new WireLog();
        await using var h = await MetaHarness.StartAsync(
            WorldOptions.Demo with { Days = 14 },
            (o, _) =>
            {
                o.FirstRunDays = 14;
                o.ChunkDays = 7;
                o.SyncMaxDays = 7;
            },
            new SandboxOptions { MetaSyncRowLimit = 60 }, wire: wire);

        var summaries = await h.SyncAsync(new SyncRequest("r1") { Streams = new HashSet<string> { "insights_daily", "insights_daily_by_country" } });

        Assert.That(summaries.All(s => s.Succeeded), Is.True, MetaHarness.Errors(summaries));
        var gets = wire.Entries.Where(e => e.IsInsightsGet).ToList();
        Assert.That(gets.Where(e => e.Status == 500).Select(e => e.RangeDays).Distinct(), Is.SupersetOf(new[] { 7, 4 }), "Meta said 'reduce the amount of data'");
        Assert.That(gets.Where(e => e.Status == 200).Select(e => e.RangeDays).Max(), Is.LessThanOrEqualTo(3));
        Assert.That(wire.Entries.Where(e => e.IsReportRunSubmit).Select(e => e.RangeDays), Is.Not.Empty.And.All.EqualTo(1));
        await AssertSpendAndPurchasesMatchTruthAsync(h);
        Assert.That(await h.ScalarAsync<decimal>("SELECT sum(spend) FROM staging.meta_insights_daily_by_country"),
            Is.EqualTo(await h.ScalarAsync<decimal>("SELECT sum(spend) FROM staging.meta_insights_daily")));
    }

    [Test]
    public async Task Throttling_and_server_errors_are_retried_and_the_sync_still_matches_ground_truth()
    {
        var synthetic429 = 0;
        var wire = new WireLog();
        await using var h = await MetaHarness.StartAsync(
            WorldOptions.Demo with { Days = 14 },
            (o, _) => o.FirstRunDays = 14,
            new SandboxOptions
            {
                Faults = new FaultOptions
                {
                    Seed = 11,
                    QuotaExhaustedRate = 0.06, // code 4, HTTP 400
                    ServerErrorRate = 0.05,
                    ServiceUnavailableRate = 0.05,
                    MalformedJsonRate = 0.03,
                    DropConnectionRate = 0.03,
                    Apis = new HashSet<SandboxApi> { SandboxApi.Meta },
                },
            },
            wire: wire,
            intercept: request =>
            {
                // Two 429s with Meta's body and a short regain estimate, as Meta sends them for the insights endpoint.
                if (request.RequestUri!.AbsolutePath.EndsWith("/insights", StringComparison.Ordinal) && Interlocked.Increment(ref synthetic429) <= 2)
                {
                    var response = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests)
                    {
                        Content = new StringContent("""{"error":{"message":"(#80000) There have been too many calls from this ad-account.","type":"OAuthException","code":80000,"error_subcode":2446079,"fbtrace_id":"Atest"}}"""),
                    };
                    response.Headers.Add("x-business-use-case-usage", """{"1":[{"type":"ads_insights","call_count":100,"total_cputime":40,"total_time":40,"estimated_time_to_regain_access":0.002}]}""");
                    return response;
                }

                return null;
            });

        var summaries = await h.SyncAsync("r1");

        Assert.That(summaries.All(s => s.Succeeded), Is.True, MetaHarness.Errors(summaries));
        var statuses = wire.Entries.Select(e => e.Status).ToList();
        Assert.That(statuses.Count(s => s == 429), Is.EqualTo(2));
        Assert.That(statuses.Count(s => s == 400), Is.GreaterThan(0), "code 4 throttles (HTTP 400) were injected");
        Assert.That(statuses.Count(s => s >= 500), Is.GreaterThan(0), "server errors were injected");
        await AssertSpendAndPurchasesMatchTruthAsync(h);
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.Zero);
    }

    [Test]
    public async Task A_long_throttle_stops_the_account_cleanly_and_the_next_run_resumes()
    {
        await using var h = await MetaHarness.StartAsync(WorldOptions.Demo with { Days = 14 }, (o, _) =>
        {
            o.FirstRunDays = 14;
            o.AdAccountIds = [o.AdAccountIds[0]];
        });
        long requestsAtThrottle = 0;

        // Meta's throttle answer (code 17/80004) says access returns in 5 minutes; the harness waits at most 1.
        var stopped = await h.SyncAsync(new SyncRequest("r1"), afterConnect: () =>
        {
            h.Sandbox.Faults.ForceNext(SandboxApi.Meta, FaultKind.RateLimit);
            requestsAtThrottle = h.Sandbox.RequestCount(SandboxApi.Meta) + 1;
        });

        var failures = stopped.Single().Windows.Where(w => w.Status == SyncRunStatus.Failed).ToList();
        Assert.That(failures.Select(f => f.Stream), Does.Contain("campaigns").And.Contain("insights_daily"));
        Assert.That(failures, Has.All.Matches<WindowOutcome>(w => w.Error!.Contains("throttled", StringComparison.Ordinal) && w.Error.Contains("5 min", StringComparison.Ordinal)));
        Assert.That(h.Sandbox.RequestCount(SandboxApi.Meta), Is.EqualTo(requestsAtThrottle), "no request after the throttle answer");

        var resumed = await h.SyncAsync("r2");

        Assert.That(resumed.All(s => s.Succeeded), Is.True, MetaHarness.Errors(resumed));
        await AssertSpendAndPurchasesMatchTruthAsync(h, onlyAccount: h.Sandbox.World.Meta.Accounts[0].AccountId);
    }

    [Test]
    public async Task A_bad_token_is_a_clear_error_without_retries()
    {
        await using var h = await MetaHarness.StartAsync(WorldOptions.Demo with { Days = 3 }, (o, _) => o.AccessToken = "EAAnot-a-valid-token");

        var error = Assert.ThrowsAsync<MetaAuthException>(() => h.Source.ConnectAsync());

        Assert.That(error!.Message, Does.Contain("access token").And.Contain("code 190").And.Not.Contain("EAAnot-a-valid-token"));
        Assert.That(h.Sandbox.RequestCount(SandboxApi.Meta), Is.EqualTo(1));
    }

    [Test]
    public async Task A_token_expiring_mid_run_fails_the_window_with_the_auth_error()
    {
        var wire = new WireLog();
        await using var h = await MetaHarness.StartAsync(WorldOptions.Demo with { Days = 3 }, (o, _) =>
        {
            o.FirstRunDays = 3;
            o.AdAccountIds = [o.AdAccountIds[0]];
        }, wire: wire);

        var summary = (await h.SyncAsync(new SyncRequest("r1"), afterConnect: () => h.Sandbox.Faults.ForceNext(SandboxApi.Meta, FaultKind.ExpiredToken))).Single();

        var failed = summary.Windows.Single(w => w.Status == SyncRunStatus.Failed);
        Assert.That(failed.Stream, Is.EqualTo("campaigns"));
        Assert.That(failed.Error, Does.Contain("Meta rejected the access token").And.Contain("subcode 463"));
        Assert.That(wire.Entries.Count(e => e.Status == 401), Is.EqualTo(1), "not retried");
    }

    [Test]
    public async Task Entity_streams_carry_parent_ids_and_upsert()
    {
        var wire = new WireLog();
        await using var h = await MetaHarness.StartAsync(WorldOptions.Demo with { Days = 5 }, (o, _) => o.FirstRunDays = 5, wire: wire);
        var entities = new HashSet<string> { "ad_accounts", "campaigns", "adsets", "ads" };

        var first = await h.SyncAsync(new SyncRequest("r1") { Streams = entities });
        var second = await h.SyncAsync(new SyncRequest("r2") { Streams = entities });

        Assert.That(first.Concat(second).All(s => s.Succeeded), Is.True, MetaHarness.Errors(first.Concat(second)));
        var meta = h.Sandbox.World.Meta;
        Assert.That(await h.QueryAsync<string>("SELECT _account_id || '|' || id || '|' || name || '|' || objective FROM staging.meta_campaigns"),
            Is.EquivalentTo(meta.Campaigns.Select(c => $"{c.AccountId}|{c.Id}|{c.Name}|{c.Objective}")));
        Assert.That(await h.QueryAsync<string>("SELECT _account_id || '|' || id || '|' || campaign_id FROM staging.meta_adsets"),
            Is.EquivalentTo(meta.AdSets.Select(s => $"{s.Campaign.AccountId}|{s.Id}|{s.Campaign.Id}")));
        Assert.That(await h.QueryAsync<string>("SELECT _account_id || '|' || id || '|' || adset_id || '|' || campaign_id FROM staging.meta_ads"),
            Is.EquivalentTo(meta.Ads.Select(a => $"{a.Campaign.AccountId}|{a.Id}|{a.AdSet.Id}|{a.Campaign.Id}")));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.meta_ads WHERE created_time IS NULL OR updated_time IS NULL OR updated_time < created_time"), Is.Zero);
        // The sandbox applies the updated_time filter (it used to ignore it and serve everything again): the second run
        // re-reads only the objects inside the cursor's 5-minute overlap, upserting them; every other row stays from r1.
        var reread = await h.ScalarAsync<long>("SELECT count(*) FROM staging.meta_ads WHERE _run_id = 'r2'");
        var inOverlap = await h.ScalarAsync<long>(
            "SELECT count(*) FROM staging.meta_ads WHERE updated_time > (SELECT max(updated_time) FROM staging.meta_ads) - INTERVAL 5 MINUTE");
        Assert.That(reread, Is.EqualTo(inOverlap).And.GreaterThan(0));
        Assert.That(reread, Is.LessThan(meta.Ads.Count), "objects updated before the cursor are not read again");
        // The second run asks only for objects updated since the committed cursor.
        var adsRequests = wire.Entries.Where(e => e.Path.EndsWith("/ads", StringComparison.Ordinal)).ToList();
        Assert.That(adsRequests.First().Parameters.ContainsKey("filtering"), Is.False);
        Assert.That(adsRequests.Last().Parameters["filtering"], Does.Contain("\"updated_time\"").And.Contain("GREATER_THAN"));
    }

    private static bool IsRunStatus(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.Split('/')[^1].All(char.IsAsciiDigit);

    private static string Account(string statusBody) => System.Text.Json.JsonDocument.Parse(statusBody).RootElement.GetProperty("account_id").GetString()!;

    private static int RunDays(string statusBody)
    {
        var root = System.Text.Json.JsonDocument.Parse(statusBody).RootElement;
        var start = DateOnly.Parse(root.GetProperty("date_start").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var stop = DateOnly.Parse(root.GetProperty("date_stop").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        return stop.DayNumber - start.DayNumber + 1;
    }

    private static async Task<Dictionary<string, decimal>> PurchasesAsync(ConformanceHarness h, string where) =>
        (await h.QueryAsync<(string Account, DateTime Day, decimal Purchases)>(
            $"SELECT _account_id, date_start, sum(actions_purchase) FROM staging.meta_insights_daily WHERE {where} GROUP BY ALL"))
        .ToDictionary(r => $"{r.Account}|{r.Day:yyyy-MM-dd}", r => r.Purchases);

    /// <summary>Spend per account × day × campaign and purchases per account × day equal the sandbox's ground truth.</summary>
    private static async Task AssertSpendAndPurchasesMatchTruthAsync(ConformanceHarness h, string? onlyAccount = null)
    {
        var world = h.Sandbox.World;
        var truth = world.Truth;
        var accounts = world.Meta.Accounts.Where(a => onlyAccount is null || a.AccountId == onlyAccount).ToList();
        var spend = (await h.QueryAsync<(string Account, DateTime Day, string Campaign, decimal Spend)>(
                "SELECT _account_id, date_start, campaign_id, sum(spend) FROM staging.meta_insights_daily GROUP BY ALL"))
            .ToDictionary(r => (r.Account, DateOnly.FromDateTime(r.Day), r.Campaign), r => r.Spend);
        var purchases = (await h.QueryAsync<(string Account, DateTime Day, decimal Purchases, decimal Split)>(
                "SELECT _account_id, date_start, sum(actions_purchase), sum(actions_purchase_7d_click + actions_purchase_1d_view) FROM staging.meta_insights_daily GROUP BY ALL"))
            .ToDictionary(r => (r.Account, DateOnly.FromDateTime(r.Day)), r => (r.Purchases, r.Split));
        var expectedSpend = new Dictionary<(string, DateOnly, string), decimal>();
        var expectedPurchases = new Dictionary<(string, DateOnly), (decimal, decimal)>();
        for (var d = world.Options.StartDate; d <= world.Today; d = d.AddDays(1))
        {
            foreach (var account in accounts)
            {
                foreach (var campaign in world.Meta.Campaigns.Where(c => c.AccountId == account.AccountId))
                {
                    if (truth.MetaSpend(account.AccountId, d, campaign.Id) is var s and > 0)
                    {
                        expectedSpend[(account.AccountId, d, campaign.Id)] = s;
                    }
                }

                if (truth.MetaSpend(account.AccountId, d) > 0)
                {
                    var p = truth.MetaPurchases(account.AccountId, d);
                    expectedPurchases[(account.AccountId, d)] = (p, p);
                }
            }
        }

        Assert.That(spend, Is.EquivalentTo(expectedSpend), "spend per account × day × campaign");
        Assert.That(purchases, Is.EquivalentTo(expectedPurchases), "purchases per account × day (7d_click + 1d_view)");
    }
}
