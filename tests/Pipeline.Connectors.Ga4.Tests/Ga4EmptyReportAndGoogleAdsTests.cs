using System.Globalization;
using Pipeline.Warehouse;
using Pipeline.Sandbox.World;

namespace Pipeline.Connectors.Ga4.Tests;

/// <summary>Empty GA4 reports (proto3 omits rows and rowCount) and the google_ads_daily cost stream.</summary>
public sealed class Ga4EmptyReportAndGoogleAdsTests
{
    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Test]
    public async Task An_empty_report_without_rows_or_rowCount_loads_zero_rows_commits_its_window_and_the_next_window_loads()
    {
        // Day 20 of the world is the GA4 tracking outage: its one-day windows get reports with no rows and no rowCount.
        await using var h = await Ga4Harness.StartAsync(WorldOptions.Demo with { Days = 23 }, (o, _) =>
        {
            o.Properties[0].TimeZone = "Europe/Berlin";
            o.Properties[0].ChunkDays = 1;
        });
        var outage = h.Sandbox.World.Truth.Ga4OutageDate!.Value;

        var summary = (await h.SyncAsync("r1")).Single();

        Assert.That(summary.Succeeded, Is.True, string.Join("; ", summary.Windows.Select(w => w.Error)));
        var outageRuns = await h.QueryAsync<(string Stream, string Status, long Written)>(
            $"SELECT stream, status, rows_written FROM etl.sync_runs WHERE window_from = DATE '{Day(outage)}' ORDER BY stream");
        Assert.That(outageRuns.Select(r => r.Stream), Is.EquivalentTo(h.Source.Streams.Select(s => s.Name)));
        Assert.That(outageRuns, Has.All.Matches<(string Stream, string Status, long Written)>(r => r.Status == nameof(SyncRunStatus.Succeeded) && r.Written == 0));
        Assert.That(await h.ScalarAsync<long>($"SELECT count(*) FROM staging.ga4_traffic_daily WHERE date = DATE '{Day(outage)}'"), Is.Zero);
        var next = outage.AddDays(1);
        Assert.That(await h.ScalarAsync<long>($"SELECT sum(sessions)::BIGINT FROM staging.ga4_traffic_daily WHERE date = DATE '{Day(next)}'"),
            Is.EqualTo(h.Sandbox.World.Truth.Ga4Sessions(next)).And.GreaterThan(0), "the window after the empty one loads");
        var cursors = await h.QueryAsync<string>("SELECT DISTINCT cursor_value FROM etl.sync_state WHERE source = 'ga4'");
        Assert.That(cursors, Is.EqualTo(new[] { Day(h.Sandbox.World.Today) }), "every cursor advanced past the empty window to the last day");
    }

    [Test]
    public async Task Google_ads_cost_clicks_and_impressions_match_the_linked_account_per_day_and_campaign()
    {
        await using var h = await Ga4Harness.StartAsync(WorldOptions.Demo with { Days = 23 });

        var summary = (await h.SyncAsync("r1")).Single();

        Assert.That(summary.Succeeded, Is.True, string.Join("; ", summary.Windows.Select(w => w.Error)));
        var truth = h.Sandbox.World.Truth;
        var expected = new List<string>();
        for (var d = h.Sandbox.World.Options.StartDate; d <= h.Sandbox.World.Today; d = d.AddDays(1))
        {
            expected.AddRange(truth.GoogleAdsDays(d)
                .Where(x => x.CostCents + x.Clicks + x.Impressions > 0)
                .Select(x => string.Join('|', Day(d), x.AccountName, x.Campaign.Id, x.Campaign.Name,
                    (x.CostCents / 100m).ToString("0.00", CultureInfo.InvariantCulture), x.Clicks, x.Impressions)));
        }

        var loaded = await h.QueryAsync<string>(
            """
            SELECT strftime(date, '%Y-%m-%d') || '|' || session_google_ads_account_name || '|' || session_google_ads_campaign_id || '|'
                || session_google_ads_campaign_name || '|' || printf('%.2f', advertiser_ad_cost) || '|' || advertiser_ad_clicks || '|' || advertiser_ad_impressions
            FROM staging.ga4_google_ads_daily
            """);
        Assert.That(loaded, Is.EquivalentTo(expected));
        Assert.That(expected, Is.Not.Empty);
        var outage = truth.Ga4OutageDate!.Value;
        Assert.That(truth.GoogleAdsCost(outage), Is.Zero, "the outage day has no GA4 rows, cost included");
        Assert.That(loaded.Where(l => l.StartsWith(Day(outage), StringComparison.Ordinal)), Is.Empty);

        // Paid search: GA4 sessions from google / cpc never exceed the campaigns' clicks; CPC stays plausible.
        for (var d = h.Sandbox.World.Options.StartDate; d <= h.Sandbox.World.Today; d = d.AddDays(1))
        {
            var cpcSessions = truth.Ga4Segments(d).Where(s => s.Source == "google" && s.Medium == "cpc").Sum(s => s.Sessions);
            Assert.That(truth.GoogleAdsClicks(d), Is.GreaterThanOrEqualTo(cpcSessions), $"{d}: clicks ≥ google / cpc sessions");
            if (truth.GoogleAdsClicks(d) > 0)
            {
                Assert.That(truth.GoogleAdsCost(d) / truth.GoogleAdsClicks(d), Is.InRange(0.4m, 1.9m), $"{d}: CPC (the world's 0.4–1.9 EUR)");
            }
        }
    }

    [Test]
    public async Task A_property_without_a_google_ads_link_skips_google_ads_daily_and_loads_the_rest()
    {
        await using var h = await Ga4Harness.StartAsync(WorldOptions.Demo with { Days = 5, Ga4GoogleAdsLinked = false });

        var summary = (await h.SyncAsync("r1")).Single();

        Assert.That(summary.Succeeded, Is.True, string.Join("; ", summary.Windows.Select(w => w.Error)));
        Assert.That(summary.Windows.Select(w => w.Stream), Has.None.EqualTo(Ga4Report.GoogleAdsDaily));
        Assert.That(summary.Windows.Select(w => w.Stream), Has.Some.EqualTo("traffic_daily"));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.ga4_google_ads_daily"), Is.Zero);
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.ga4_traffic_daily"), Is.GreaterThan(0));
        Assert.That(h.Sandbox.World.Truth.GoogleAdsCost(h.Sandbox.World.Today), Is.Zero);
    }

    [Test]
    public void The_google_ads_stream_has_the_agreed_staging_shape()
    {
        var stream = Ga4Report.BuiltIn.Single(r => r.Name == Ga4Report.GoogleAdsDaily).Stream;

        Assert.That(stream.TableName, Is.EqualTo("ga4_google_ads_daily"));
        Assert.That(stream.Fields.Take(7).Select(f => $"{f.Name}:{f.Type}"), Is.EqualTo(new[]
        {
            "date:Date", "session_google_ads_account_name:String", "session_google_ads_campaign_id:String", "session_google_ads_campaign_name:String",
            "advertiser_ad_cost:Decimal", "advertiser_ad_clicks:Int64", "advertiser_ad_impressions:Int64",
        }));
        Assert.That(stream.Fields.Skip(7).Select(f => f.Name), Is.EqualTo(Ga4Report.ResponseFields.Select(f => f.Name)));
    }
}
