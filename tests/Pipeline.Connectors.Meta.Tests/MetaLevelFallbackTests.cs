using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pipeline.Etl.Sync;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;
using Pipeline.Warehouse;

namespace Pipeline.Connectors.Meta.Tests;

/// <summary>A day whose report runs keep failing at the configured level is read one level lower and added up.</summary>
public sealed partial class MetaLevelFallbackTests
{
    private static readonly WorldOptions World = WorldOptions.Demo with { Days = 5 };

    private static readonly SyncRequest DailyAndCountry = new("x") { Streams = new HashSet<string> { "insights_daily", "insights_daily_by_country" } };


    [Test]
    public async Task A_day_failing_at_campaign_and_adset_level_is_read_at_ad_level_and_added_up_without_reach()
    {
        await using var baseline = await MetaHarness.StartAsync(World, Configure("campaign"));
        var good = await baseline.SyncAsync(DailyAndCountry);
        Assert.That(good.All(s => s.Succeeded), Is.True, MetaHarness.Errors(good));

        var target = default(DateOnly);
        var failing = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var wire = new WireLog();
        await using var h = await MetaHarness.StartAsync(World, Configure("campaign"), wire: wire, rewriteBody: (request, body) =>
            FailRuns(request, body, failing, level => level is "campaign" or "adset", target));
        target = h.Sandbox.World.Today.AddDays(-2);
        var day = target.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var account = h.Sandbox.World.Meta.Accounts[0].AccountId;

        var summaries = await h.SyncAsync(DailyAndCountry);

        Assert.That(summaries.All(s => s.Succeeded), Is.True, MetaHarness.Errors(summaries));
        Assert.That(failing.Values, Does.Contain("campaign").And.Contain("adset"), "runs did fail at both levels");
        var submits = wire.Entries.Where(e => e.IsReportRunSubmit).ToList();
        Assert.That(submits.Where(e => e.Parameters["level"] == "ad").Select(e => e.RangeDays), Is.Not.Empty.And.All.EqualTo(1), "only the failing day is read at ad level");
        Assert.That(submits.Count(e => e.Parameters["level"] == "adset" && e.RangeDays == 1), Is.EqualTo(4), "two attempts per stream at adset level");

        // The failing day, at campaign level: spend per campaign and purchases equal the ground truth; no reach.
        var spend = (await h.QueryAsync<(string Campaign, decimal Spend)>(
                $"SELECT campaign_id, spend FROM staging.meta_insights_daily WHERE date_start = DATE '{day}'"))
            .ToDictionary(r => r.Campaign, r => r.Spend);
        var expected = h.Sandbox.World.Meta.Campaigns.Where(c => c.AccountId == account)
            .Select(c => (c.Id, Spend: h.Sandbox.World.Truth.MetaSpend(account, target, c.Id)))
            .Where(c => c.Spend > 0)
            .ToDictionary(c => c.Id, c => c.Spend);
        Assert.That(expected, Is.Not.Empty);
        Assert.That(spend, Is.EquivalentTo(expected), "spend per campaign on the fallback day");
        Assert.That(await h.ScalarAsync<decimal>($"SELECT sum(actions_purchase_7d_click + actions_purchase_1d_view) FROM staging.meta_insights_daily WHERE date_start = DATE '{day}'"),
            Is.EqualTo((decimal)h.Sandbox.World.Truth.MetaPurchases(account, target)));

        foreach (var table in new[] { "staging.meta_insights_daily", "staging.meta_insights_daily_by_country" })
        {
            Assert.That(await h.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE date_start = DATE '{day}' AND (reach IS NOT NULL OR frequency IS NOT NULL OR NOT reach_unavailable)"),
                Is.Zero, $"{table}: reach unavailable on the fallback day");
            Assert.That(await h.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE date_start <> DATE '{day}' AND (reach IS NULL OR frequency IS NULL OR reach_unavailable)"),
                Is.Zero, $"{table}: other days keep reach");
            Assert.That(await h.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE date_start <> DATE '{day}'"), Is.GreaterThan(0));

            // Impressions, clicks, link clicks, purchases and purchase value per campaign (× country) equal a clean run at campaign level.
            var fallback = await h.QueryAsync<string>(Rows(table, $"date_start = DATE '{day}'"));
            var clean = (await baseline.QueryAsync<string>(Rows(table, $"date_start = DATE '{day}'"))).Select(r => ReachPart().Replace(r, "|null|true")).ToList();
            Assert.That(fallback, Is.Not.Empty.And.EqualTo(clean), $"{table}: the fallback day equals a clean campaign-level read, except reach");
            Assert.That(await h.QueryAsync<string>(Rows(table, $"date_start <> DATE '{day}'")),
                Is.EqualTo(await baseline.QueryAsync<string>(Rows(table, $"date_start <> DATE '{day}'"))), $"{table}: other days untouched");
        }

        // The raw actions arrays are added up per action type and window too.
        foreach (var (actions, purchases, clicks7d) in await h.QueryAsync<(string Actions, decimal Purchases, decimal Clicks7d)>(
            $"SELECT CAST(actions AS VARCHAR), actions_purchase, actions_purchase_7d_click FROM staging.meta_insights_daily WHERE date_start = DATE '{day}' AND actions IS NOT NULL"))
        {
            var purchase = JsonDocument.Parse(actions).RootElement.EnumerateArray().SingleOrDefault(e => e.GetProperty("action_type").GetString() == "purchase");
            if (purchase.ValueKind == JsonValueKind.Undefined)
            {
                Assert.That(purchases, Is.Zero);
                continue;
            }

            Assert.That(decimal.Parse(purchase.GetProperty("value").GetString()!, CultureInfo.InvariantCulture), Is.EqualTo(purchases));
            Assert.That(decimal.Parse(purchase.GetProperty("7d_click").GetString()!, CultureInfo.InvariantCulture), Is.EqualTo(clicks7d));
        }
    }

    [Test]
    public async Task A_day_failing_at_ad_level_fails_the_window_with_the_day_and_level()
    {
        var target = default(DateOnly);
        var failing = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var wire = new WireLog();
        await using var h = await MetaHarness.StartAsync(World, Configure("ad"), wire: wire, rewriteBody: (request, body) =>
            FailRuns(request, body, failing, level => level == "ad", target));
        target = h.Sandbox.World.Today.AddDays(-2);

        var summaries = await h.SyncAsync(new SyncRequest("r1") { Streams = new HashSet<string> { "insights_daily" } });

        var failed = summaries.Single().Windows.Single(w => w.Status == SyncRunStatus.Failed);
        Assert.That(failed.Stream, Is.EqualTo("insights_daily"));
        Assert.That(failed.Error, Does.Contain($"day {target:yyyy-MM-dd} at level ad").And.Contain("no lower level"));
        Assert.That(wire.Entries.Where(e => e.IsReportRunSubmit).Select(e => e.Parameters["level"]), Is.All.EqualTo("ad"));
    }

    /// <summary>One line per row: key, counts, spend, purchases, then reach and reach_unavailable last.</summary>
    private static string Rows(string table, string where) =>
        $"SELECT campaign_id || '|' || date_start || '|' || {(table.EndsWith("country", StringComparison.Ordinal) ? "country" : "'-'")} || '|' || spend || '|' || impressions || '|' || "
        + "clicks || '|' || inline_link_clicks || '|' || actions_purchase || '|' || actions_purchase_7d_click || '|' || action_values_purchase || '|' || "
        + $"coalesce(CAST(reach AS VARCHAR), 'null') || '|' || reach_unavailable FROM {table} WHERE {where} ORDER BY 1";

    private static Action<MetaOptions, SandboxServer> Configure(string level) => (o, _) =>
    {
        o.Level = level;
        o.FirstRunDays = 5;
        o.SyncMaxDays = 0;
        o.AdAccountIds = [o.AdAccountIds[0]];
        o.Breakdowns = ["country"];
    };

    /// <summary>Every report run at a matching level whose range covers <paramref name="day"/> answers "Job Failed" when polled.</summary>
    private static string FailRuns(HttpRequestMessage request, string body, ConcurrentDictionary<string, string> failing, Func<string, bool> level, DateOnly day)
    {
        if (request.Method == HttpMethod.Post && request.Content is FormUrlEncodedContent form)
        {
            var parameters = System.Web.HttpUtility.ParseQueryString(form.ReadAsStringAsync().GetAwaiter().GetResult());
            using var range = JsonDocument.Parse(parameters["time_range"]!);
            var since = DateOnly.Parse(range.RootElement.GetProperty("since").GetString()!, CultureInfo.InvariantCulture);
            var until = DateOnly.Parse(range.RootElement.GetProperty("until").GetString()!, CultureInfo.InvariantCulture);
            if (level(parameters["level"]!) && since <= day && day <= until)
            {
                failing[JsonDocument.Parse(body).RootElement.GetProperty("report_run_id").GetString()!] = parameters["level"]!;
            }

            return body;
        }

        if (request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.Split('/')[^1] is var id && failing.ContainsKey(id))
        {
            return Status().Replace(body, "\"async_status\":\"Job Failed\"");
        }

        return body;
    }

    [GeneratedRegex("\"async_status\"\\s*:\\s*\"[^\"]*\"")]
    private static partial Regex Status();

    /// <summary>The trailing reach and reach_unavailable of a <see cref="Rows"/> line.</summary>
    [GeneratedRegex("\\|[^|]*\\|[^|]*$")]
    private static partial Regex ReachPart();
}
