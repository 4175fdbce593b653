using System.Diagnostics;
using System.Globalization;
using Dapper;
using DuckDB.NET.Data;
using Pipeline.Cli;
using Pipeline.Sandbox;
using Pipeline.Sandbox.Faults;
using Pipeline.Sandbox.World;
using Pipeline.Scheduling.Tests.Support;

namespace Pipeline.Scheduling.Tests;

/// <summary>
/// <c>pipeline schedule</c> as a real process against the GA4 sandbox answering slowly: a second scheduler and a
/// manual sync are refused while it loads, and SIGTERM in the middle of a load ends it cleanly with every window
/// either wholly in the warehouse or not at all.
/// </summary>
public sealed class ProcessTests : TestFolder
{
    [Test]
    public async Task Sigterm_during_a_load_exits_0_and_leaves_only_whole_windows_while_a_second_scheduler_and_a_manual_sync_are_refused()
    {
        Assume.That(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "sends SIGTERM with kill(1)");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions
        {
            // No tracking-outage day: a window whose days are all loaded must show every day (the check below).
            World = WorldOptions.Demo with { StartDate = today.AddDays(-20), Days = 21, Ga4TrackingOutageDay = null },
            Faults = new FaultOptions { SlowResponseRate = 1, SlowResponseDelay = TimeSpan.FromMilliseconds(300), Apis = new HashSet<SandboxApi> { SandboxApi.Ga4 } },
        });
        var warehouse = Path.Combine(Folder, "data", "warehouse.duckdb");
        var config = CliRunner.WriteConfig(Folder, new
        {
            Warehouse = new { DuckDb = new { Path = warehouse } },
            Logging = new { Directory = Path.Combine(Folder, "logs") },
            Sources = new
            {
                Ga4 = new
                {
                    BaseUrl = sandbox.Ga4BaseAddress,
                    TokenUrl = sandbox.GoogleTokenUri,
                    Properties = new[]
                    {
                        new { PropertyId = sandbox.Credentials.Ga4PropertyId, ServiceAccountKeyJson = sandbox.Credentials.GoogleServiceAccountKeyJson, FirstRunDays = 20, ChunkDays = 2, LookbackDays = 0 },
                    },
                },
            },
            Schedule = new { Cron = new { ga4 = SchedulingHost.Never }, RunOnStart = true, ShutdownGrace = "00:00:30", FreshnessCheckCron = SchedulingHost.Never },
        });

        using var scheduler = CliRunner.Start(Folder, "schedule", "--config", config);
        var stdout = scheduler.StandardOutput.ReadToEndAsync();
        var stderr = scheduler.StandardError.ReadToEndAsync();
        try
        {
            await WaitUntilAsync(() => sandbox.RequestCount(SandboxApi.Ga4) >= 4 || scheduler.HasExited, "the scheduled GA4 load to be under way", seconds: 60);
            Assert.That(scheduler.HasExited, Is.False, "the scheduler is running");

            var second = await CliRunner.RunProcessAsync(Folder, TimeSpan.FromMinutes(1), "schedule", "--config", config);
            Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.WarehouseBusy), second.Error);
            Assert.That(second.Error, Does.Contain("another 'pipeline schedule' is running on").And.Contain($"process {scheduler.Id} "));

            var manual = await CliRunner.RunProcessAsync(Folder, TimeSpan.FromMinutes(1), "sync", "--config", config);
            Assert.That(manual.ExitCode, Is.EqualTo(ExitCodes.WarehouseBusy), "a manual sync while a scheduled job holds the file is refused\n" + manual.Error);
            Assert.That(manual.Error, Does.Contain($"warehouse is busy (held by process {scheduler.Id}"));

            using (var kill = Process.Start("kill", ["-TERM", scheduler.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await scheduler.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!scheduler.HasExited)
            {
                scheduler.Kill(entireProcessTree: true);
            }
        }

        var log = await stdout + await stderr;
        Assert.That(scheduler.ExitCode, Is.EqualTo(ExitCodes.Ok), log);
        Assert.That(log, Does.Contain("Stopping: running jobs finish the window they are loading").And.Match(@"stopped early: [1-9]\d* window\(s\) committed"));
        Assert.That(File.Exists(warehouse + ".schedule.owner"), Is.False, "the scheduler released its lock");

        await using var db = new DuckDBConnection($"Data Source={warehouse}");
        await db.OpenAsync();
        Assert.That(await db.ExecuteScalarAsync<long>("SELECT count(*) FROM etl.sync_runs WHERE status = 'Running'"), Is.Zero, "no run is left half-recorded");
        var succeeded = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM etl.sync_runs WHERE source = 'ga4' AND status = 'Succeeded'");
        Assert.That(succeeded, Is.GreaterThan(0), "some windows committed before the stop");
        Assert.That(succeeded, Is.LessThan(4 * 10), "the stop ended the run before its last window (4 streams × 10 windows of 2 days)");
        foreach (var stream in new[] { "traffic_daily", "users_daily", "landing_pages_daily" })
        {
            var orphans = await db.ExecuteScalarAsync<long>(
                $"""
                SELECT count(*) FROM staging.ga4_{stream} AS t
                WHERE NOT EXISTS (
                    SELECT 1 FROM etl.sync_runs AS r
                    WHERE r.source = 'ga4' AND r.stream = '{stream}' AND r.status = 'Succeeded' AND r.run_id = t._run_id
                      AND t.date BETWEEN r.window_from AND r.window_to)
                """);
            Assert.That(orphans, Is.Zero, $"{stream}: every row belongs to a committed window");
        }

        var partial = await db.QueryAsync<string>(
            """
            SELECT strftime(r.window_from, '%Y-%m-%d') FROM etl.sync_runs AS r
            WHERE r.source = 'ga4' AND r.stream = 'traffic_daily' AND r.status = 'Succeeded'
              AND (SELECT count(DISTINCT t.date) FROM staging.ga4_traffic_daily AS t WHERE t.date BETWEEN r.window_from AND r.window_to)
                  <> date_diff('day', r.window_from, r.window_to) + 1
            """);
        Assert.That(partial, Is.Empty, "every committed traffic window has all of its days");
    }
}
