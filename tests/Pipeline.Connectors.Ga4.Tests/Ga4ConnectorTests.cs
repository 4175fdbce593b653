using Pipeline.Etl.Sync;
using Pipeline.Sandbox;
using Pipeline.Sandbox.Faults;
using Pipeline.Sandbox.World;
using Pipeline.Warehouse;

namespace Pipeline.Connectors.Ga4.Tests;

public sealed class Ga4ConnectorTests
{
    [Test]
    public async Task A_full_sync_matches_the_sandbox_ground_truth_row_for_row()
    {
        await using var h = await Ga4Harness.StartAsync();

        var summary = (await h.SyncAsync("r1")).Single();

        Assert.That(summary.Succeeded, Is.True, string.Join("; ", summary.Windows.Select(w => w.Error)));
        var world = h.Sandbox.World;
        var loaded = (await h.QueryAsync<(DateTime Date, string Channel, long Sessions)>(
            "SELECT date, session_default_channel_group, sum(sessions)::BIGINT FROM staging.ga4_traffic_daily GROUP BY ALL"))
            .ToDictionary(r => (DateOnly.FromDateTime(r.Date), r.Channel), r => r.Sessions);
        var expected = new Dictionary<(DateOnly, string), long>();
        for (var d = world.Options.StartDate; d <= world.Today; d = d.AddDays(1))
        {
            foreach (var (channel, sessions) in world.Truth.Ga4SessionsByChannel(d))
            {
                expected[(d, channel)] = sessions;
            }
        }

        Assert.That(loaded, Is.EquivalentTo(expected));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.ga4_users_daily"), Is.GreaterThan(0));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.ga4_landing_pages_daily"), Is.GreaterThan(0));
        Assert.That(await h.QueryAsync<string>("SELECT DISTINCT currency_code || ' ' || time_zone FROM staging.ga4_traffic_daily"), Is.EqualTo(new[] { "EUR Europe/Berlin" }));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.Zero);
    }

    [Test]
    public async Task Every_traffic_row_equals_the_world_row_with_the_same_dimensions()
    {
        await using var h = await Ga4Harness.StartAsync(WorldOptions.Demo with { Days = 10 });
        Assert.That((await h.SyncAsync("r1")).Single().Succeeded, Is.True);
        var world = h.Sandbox.World;

        // The world's segments grouped by the stream's dimensions are the rows GA4 must return.
        var expected = new List<string>();
        for (var d = world.Options.StartDate; d <= world.Today; d = d.AddDays(1))
        {
            expected.AddRange(world.Ga4.Segments(d, world.ReadGeneration)
                .GroupBy(g => (g.Date, g.Channel, g.Source, g.Medium, g.Campaign, g.Device, g.Country))
                .Select(g => string.Join('|',
                    g.Key.Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), g.Key.Channel, g.Key.Source, g.Key.Medium, g.Key.Campaign, g.Key.Device, g.Key.Country,
                    g.Sum(s => s.Sessions), g.Sum(s => s.EngagedSessions), g.Sum(s => s.ScreenPageViews), g.Sum(s => s.UserEngagementSeconds),
                    g.Sum(s => s.KeyEvents), g.Sum(s => s.Transactions), Money(g.Sum(s => s.PurchaseRevenueCents)), Money(g.Sum(s => s.TotalRevenueCents)))));
        }

        var loaded = await h.QueryAsync<string>(
            """
            SELECT strftime(date, '%Y-%m-%d') || '|' || session_default_channel_group || '|' || session_source || '|' || session_medium || '|'
                || session_campaign_name || '|' || device_category || '|' || country || '|' || sessions || '|' || engaged_sessions || '|'
                || screen_page_views || '|' || user_engagement_duration::BIGINT || '|' || key_events::BIGINT || '|' || transactions || '|'
                || printf('%.2f', purchase_revenue) || '|' || printf('%.2f', total_revenue)
            FROM staging.ga4_traffic_daily
            """);

        Assert.That(loaded, Is.EquivalentTo(expected));
    }

    [Test]
    public async Task A_page_larger_than_a_batch_is_handed_on_in_bounded_slices_that_add_up_to_the_report()
    {
        await using var h = await Ga4Harness.StartAsync(
            WorldOptions.Demo with { Days = 20, Ga4SegmentsPerDay = 400, Ga4UniqueLandingPages = true, Ga4OtherRowThreshold = int.MaxValue },
            (options, _) => options.Properties[0].PageSize = 25_000);
        var world = h.Sandbox.World;
        var expected = 0;
        for (var d = world.Options.StartDate; d <= world.Today; d = d.AddDays(1))
        {
            expected += world.Ga4.Segments(d, world.ReadGeneration).Select(g => g.LandingPage).Distinct().Count();
        }

        var sizes = new List<int>();
        foreach (var connection in await h.Source.ConnectAsync(CancellationToken.None))
        {
            await using (connection)
            {
                // One row per landing page: every segment of the day is its own row.
                var traffic = connection.Streams.Single(s => s.Stream.Name == "landing_pages_daily");
                await foreach (var batch in traffic.ReadAsync(new Streams.StreamReadRequest(world.Options.StartDate, world.Today, null)))
                {
                    Assert.That(batch.Rejects, Is.Empty);
                    sizes.Add(batch.Rows.Count);
                }
            }
        }

        Assert.That(expected, Is.GreaterThan(Streams.RecordBatch.MaxRows), "the world must give one page more rows than a batch holds");
        Assert.That(sizes, Is.All.LessThanOrEqualTo(Streams.RecordBatch.MaxRows));
        Assert.That(sizes[0], Is.EqualTo(Streams.RecordBatch.MaxRows), "the first page was sliced, not handed on whole");
        Assert.That(sizes.Sum(), Is.EqualTo(expected));
    }

    private static string Money(long cents) => (cents / 100m).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    [Test]
    public async Task The_next_day_rereads_the_lookback_and_replaces_restated_days_without_duplicates()
    {
        await using var h = await Ga4Harness.StartAsync();
        await h.SyncAsync("r1");
        var before = await h.QueryAsync<string>("SELECT date || '|' || sum(sessions) FROM staging.ga4_traffic_daily GROUP BY date ORDER BY date");

        h.Sandbox.World.AdvanceReadGeneration(); // GA4 reprocessed the last days
        h.Clock.Advance(TimeSpan.FromDays(1));
        var second = (await h.SyncAsync("r2")).Single();

        Assert.That(second.Windows.Where(w => w.Stream == "traffic_daily").Select(w => w.Window).Single(),
            Is.EqualTo($"{h.Sandbox.World.Today.AddDays(-2):yyyy-MM-dd}..{h.Sandbox.World.Today.AddDays(1):yyyy-MM-dd}"));
        var after = await h.QueryAsync<string>("SELECT date || '|' || sum(sessions) FROM staging.ga4_traffic_daily GROUP BY date ORDER BY date");
        Assert.That(after.Take(before.Count - 3), Is.EqualTo(before.Take(before.Count - 3)), "days before the lookback are untouched");
        var world = h.Sandbox.World;
        for (var d = world.Today.AddDays(-2); d <= world.Today; d = d.AddDays(1))
        {
            Assert.That(await h.ScalarAsync<long>($"SELECT sum(sessions)::BIGINT FROM staging.ga4_traffic_daily WHERE date = DATE '{d:yyyy-MM-dd}'"),
                Is.EqualTo(world.Truth.Ga4Sessions(d)), $"restated day {d} holds the new figures, once");
        }

        Assert.That(await h.ScalarAsync<long>(
            "SELECT count(*) FROM (SELECT date, session_default_channel_group, session_source, session_medium, session_campaign_name, device_category, country, count(*) c FROM staging.ga4_traffic_daily GROUP BY ALL HAVING c > 1)"),
            Is.Zero);
    }

    [Test]
    public async Task High_cardinality_reports_record_the_other_row()
    {
        await using var h = await Ga4Harness.StartAsync(WorldOptions.Demo with { Days = 5, Ga4OtherRowThreshold = 20 });

        await h.SyncAsync("r1");

        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.ga4_traffic_daily WHERE data_loss_from_other_row AND session_default_channel_group = '(other)'"), Is.GreaterThan(0));
    }

    [Test]
    public async Task A_spent_daily_quota_stops_cleanly_and_the_next_run_resumes_without_loss_or_duplicates()
    {
        // A third of GA4 requests answer "daily quota exhausted" (deterministic for the seed): the first windows
        // commit, then the run stops without another request.
        await using var h = await Ga4Harness.StartAsync(configure: (o, _) => o.Properties[0].TimeZone = "Europe/Berlin");
        h.Sandbox.Faults.Options = new FaultOptions { Seed = 3, QuotaExhaustedRate = 0.34, Apis = new HashSet<SandboxApi> { SandboxApi.Ga4 } };

        var stopped = (await h.SyncAsync("r1")).Single();

        Assert.That(stopped.Windows.Count(w => w.Status == SyncRunStatus.Succeeded), Is.GreaterThan(0), "some windows committed before the quota ran out");
        var failures = stopped.Windows.Where(w => w.Status == SyncRunStatus.Failed).ToList();
        Assert.That(failures, Is.Not.Empty);
        Assert.That(failures, Has.All.Matches<WindowOutcome>(w => w.Error!.Contains("daily quota exhausted", StringComparison.Ordinal)));
        var committed = await h.ScalarAsync<long>("SELECT count(*) FROM etl.sync_state WHERE source = 'ga4'");

        h.Sandbox.Faults.Options = FaultOptions.None;
        var resumed = (await h.SyncAsync("r2")).Single();

        Assert.That(resumed.Succeeded, Is.True, string.Join("; ", resumed.Windows.Select(w => w.Error)));
        Assert.That(committed, Is.GreaterThan(0));
        var world = h.Sandbox.World;
        for (var d = world.Options.StartDate; d <= world.Today; d = d.AddDays(1))
        {
            Assert.That(await h.ScalarAsync<long>($"SELECT coalesce(sum(sessions), 0)::BIGINT FROM staging.ga4_traffic_daily WHERE date = DATE '{d:yyyy-MM-dd}'"),
                Is.EqualTo(world.Truth.Ga4Sessions(d)), $"day {d}: nothing lost, nothing doubled");
        }
    }

    [Test]
    public async Task Sampled_and_thresholded_responses_are_recorded_on_their_rows()
    {
        // Windows of 10 days; responses for ranges over 7 days come back sampled.
        await using var h = await Ga4Harness.StartAsync(WorldOptions.Demo with { Days = 14 }, sandbox: o => o with { Ga4SampledAboveDays = 7, Ga4Thresholded = true });

        Assert.That((await h.SyncAsync("r1")).Single().Succeeded, Is.True);

        var flags = await h.QueryAsync<(DateTime Date, bool Sampled, bool Thresholded)>(
            "SELECT DISTINCT date, sampled, subject_to_thresholding FROM staging.ga4_traffic_daily ORDER BY date");
        var world = h.Sandbox.World;
        Assert.That(flags.Where(f => DateOnly.FromDateTime(f.Date) < world.Options.StartDate.AddDays(10)).Select(f => f.Sampled), Has.All.True, "the first 10-day window was sampled");
        Assert.That(flags.Where(f => DateOnly.FromDateTime(f.Date) >= world.Options.StartDate.AddDays(10)).Select(f => f.Sampled), Has.All.False, "the short last window was not");
        Assert.That(flags.Select(f => f.Thresholded), Has.All.True);
    }

    [Test]
    public async Task Each_configured_property_is_its_own_account_in_state_and_run_log()
    {
        // The second property exists in the configuration but the service account may not read it.
        await using var h = await Ga4Harness.StartAsync(WorldOptions.Demo with { Days = 5 }, (o, s) =>
        {
            o.Properties[0].TimeZone = "Europe/Berlin";
            o.Properties.Add(new Ga4PropertyOptions
            {
                PropertyId = "999999999",
                ServiceAccountKeyJson = s.Credentials.GoogleServiceAccountKeyJson,
                TimeZone = "America/New_York",
                FirstRunDays = 5,
            });
        });

        var summaries = await h.SyncAsync("r1");

        Assert.That(summaries.Select(s => s.AccountId), Is.EqualTo(new[] { h.Sandbox.Credentials.Ga4PropertyId, "999999999" }));
        Assert.That(summaries[0].Succeeded, Is.True);
        Assert.That(summaries[1].Windows, Has.All.Matches<WindowOutcome>(w => w.Status == SyncRunStatus.Failed && w.Error!.Contains("403", StringComparison.Ordinal)));
        var runs = await h.QueryAsync<string>("SELECT DISTINCT account_id || ' ' || status FROM etl.sync_runs ORDER BY 1");
        Assert.That(runs, Is.EqualTo(new[] { $"{h.Sandbox.Credentials.Ga4PropertyId} Succeeded", "999999999 Failed" }));
        Assert.That(await h.QueryAsync<string>("SELECT DISTINCT account_id FROM etl.sync_state"), Is.EqualTo(new[] { h.Sandbox.Credentials.Ga4PropertyId }));
        Assert.That(await h.QueryAsync<string>("SELECT DISTINCT _account_id FROM staging.ga4_traffic_daily"), Is.EqualTo(new[] { h.Sandbox.Credentials.Ga4PropertyId }));
    }

    [Test]
    public async Task OAuth_refresh_token_credentials_work()
    {
        await using var h = await Ga4Harness.StartAsync(WorldOptions.Demo with { Days = 3 }, (o, s) =>
        {
            o.Properties[0].ServiceAccountKeyJson = null;
            o.Properties[0].OAuth = new Ga4OAuthOptions
            {
                ClientId = s.Credentials.GoogleClientId,
                ClientSecret = s.Credentials.GoogleClientSecret,
                RefreshToken = s.Credentials.GoogleRefreshToken,
            };
        });

        var summary = (await h.SyncAsync("r1")).Single();

        Assert.That(summary.Succeeded, Is.True, string.Join("; ", summary.Windows.Select(w => w.Error)));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM staging.ga4_traffic_daily"), Is.GreaterThan(0));
    }

    [Test]
    public async Task A_bad_key_file_is_a_clear_error()
    {
        var keyFile = Path.Combine(Path.GetTempPath(), $"ga4-bad-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(keyFile, "{ \"type\": \"service_account\", \"client_email\": \"x@y\", ");
        try
        {
            await using var h = await Ga4Harness.StartAsync(WorldOptions.Demo with { Days = 3 }, (o, _) =>
            {
                o.Properties[0].ServiceAccountKeyJson = null;
                o.Properties[0].ServiceAccountKeyPath = keyFile;
            });

            var error = Assert.ThrowsAsync<Ga4ConfigException>(() => h.Source.ConnectAsync());

            Assert.That(error!.Message, Does.Contain(keyFile).And.Contain("not valid JSON"));
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Test]
    public async Task Custom_reports_are_checked_against_the_metadata_before_any_data_request()
    {
        await using var h = await Ga4Harness.StartAsync(WorldOptions.Demo with { Days = 3 }, (o, _) => o.CustomReports =
        [
            new Ga4CustomReportOptions { Name = "by_city", Dimensions = ["deviceCategory", "notADimension"], Metrics = ["sessions", "bogusMetric"] },
        ]);
        var runReportsBefore = h.Sandbox.RequestCount(SandboxApi.Ga4);

        var error = Assert.ThrowsAsync<Ga4ConfigException>(() => h.Source.ConnectAsync());

        Assert.That(error!.Message, Does.Contain("unknown dimension 'notADimension'").And.Contain("unknown metric 'bogusMetric'").And.Not.Contain("'deviceCategory'"));
        Assert.That(h.Sandbox.RequestCount(SandboxApi.Ga4) - runReportsBefore, Is.EqualTo(1), "only the metadata request was made");
    }

    [Test]
    public async Task A_custom_report_lands_in_its_own_staging_table()
    {
        await using var h = await Ga4Harness.StartAsync(WorldOptions.Demo with { Days = 3 }, (o, _) => o.CustomReports =
        [
            new Ga4CustomReportOptions { Name = "by_device", Dimensions = ["deviceCategory"], Metrics = ["sessions", "totalRevenue"] },
        ]);

        var summary = (await h.SyncAsync(new SyncRequest("r1") { Streams = new HashSet<string> { "by_device" } })).Single();

        Assert.That(summary.Succeeded, Is.True, string.Join("; ", summary.Windows.Select(w => w.Error)));
        var world = h.Sandbox.World;
        Assert.That(await h.ScalarAsync<long>("SELECT sum(sessions)::BIGINT FROM staging.ga4_by_device"),
            Is.EqualTo(Enumerable.Range(0, 3).Sum(i => world.Truth.Ga4Sessions(world.Options.StartDate.AddDays(i)))));
        Assert.That(summary.Windows.Select(w => w.Result!.RowsRejected).Sum(), Is.Zero);
        Assert.That(await h.QueryAsync<string>("SELECT data_type FROM information_schema.columns WHERE table_name = 'ga4_by_device' AND column_name = 'total_revenue'"), Is.EqualTo(new[] { "DECIMAL(38,9)" }));
    }
}
