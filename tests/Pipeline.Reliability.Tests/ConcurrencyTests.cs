using System.Diagnostics;
using System.Text.Json.Nodes;
using Dapper;
using DuckDB.NET.Data;
using Pipeline.Reliability.Tests.Infrastructure;

namespace Pipeline.Reliability.Tests;

/// <summary>
/// Two writers on one DuckDB warehouse: two <c>pipeline sync</c> processes, and <c>pipeline schedule</c> beside a
/// manual sync. One must wait or refuse with one clear line (exit 3 naming the holder); afterwards the warehouse
/// equals the reference: nothing corrupted, nothing duplicated.
/// </summary>
/// <remarks>WarehouseLockTests (Pipeline.Cli.Tests) covers the busy error of one command against a held file.</remarks>
public sealed class ConcurrencyTests
{
    private const int WarehouseBusy = 3;

    [TestCase(0)]
    [TestCase(1500)]
    public async Task Two_syncs_on_one_warehouse_one_refuses_cleanly_and_nothing_is_duplicated(int secondAfterMs)
    {
        var reference = await ReferenceWorld.GetAsync();
        using var folder = new TempFolder("two-syncs");
        var warehouse = folder.File("warehouse.duckdb");
        var config = folder.File("pipeline.json");
        PipelineConfig.Write(config, reference.Config(warehouse, folder.File("logs")));

        using var first = CliProcess.Start(folder.Path, null, "sync", "--config", config);
        await Task.Delay(secondAfterMs);
        using var second = CliProcess.Start(folder.Path, null, "sync", "--config", config);
        var results = new[] { await first.WaitAsync(TimeSpan.FromMinutes(3)), await second.WaitAsync(TimeSpan.FromMinutes(3)) };

        Assert.That(results.Select(r => r.ExitCode).Order(), Is.EqualTo(new[] { 0, WarehouseBusy }), string.Join(" | ", results.Select(r => r.ToString())));
        var refused = results.Single(r => r.ExitCode == WarehouseBusy);
        Assert.That(refused.ErrorLines, Has.Length.EqualTo(1), "one line, no stack trace");
        Assert.That(refused.ErrorLines[0], Does.StartWith("pipeline: error: warehouse is busy (held by process ").And.Contain(warehouse));
        await AssertEqualsReferenceAsync(reference, warehouse);
    }

    [Test]
    public async Task Schedule_and_a_manual_sync_one_waits_or_refuses_and_nothing_is_duplicated()
    {
        var help = await CliProcess.RunAsync(Path.GetTempPath(), "--help");
        if (!help.Out.Contains("schedule", StringComparison.Ordinal))
        {
            Assert.Ignore("pipeline schedule not in this build");
        }

        var reference = await ReferenceWorld.GetAsync();
        using var folder = new TempFolder("schedule-sync");
        var warehouse = folder.File("warehouse.duckdb");
        var config = folder.File("pipeline.json");
        var scheduled = reference.Config(warehouse, folder.File("logs"));
        // Three sources (three jobs) keep the case short; their staging tables are compared with the reference.
        var sources = scheduled["Sources"]!.AsObject();
        sources.Remove("Ga4");
        sources.Remove("Meta");
        // Every job runs once at start; the crons are far away. The manual sync arrives while those jobs run.
        scheduled["Schedule"] = new JsonObject
        {
            ["RunOnStart"] = true,
            ["BusyWait"] = "00:01:00",
            ["Cron"] = new JsonObject { ["mailchimp"] = "0 0 3 * * ?", ["hubspot"] = "0 0 3 * * ?", ["files"] = "0 0 3 * * ?" },
        };
        scheduled["Publish"] = new JsonObject { ["Enabled"] = false };
        PipelineConfig.Write(config, scheduled);

        using var scheduler = CliProcess.Start(folder.Path, null, "schedule", "--config", config);
        await scheduler.WaitForErrorLinesAsync("rows written", 2, CancellationToken.None);
        var manual = await CliProcess.RunAsync(folder.Path, "sync", "--config", config);
        Assert.That(manual.ExitCode, Is.AnyOf(0, WarehouseBusy), manual.ToString());
        if (manual.ExitCode == WarehouseBusy)
        {
            Assert.That(manual.ErrorLines, Has.Length.EqualTo(1));
            Assert.That(manual.ErrorLines[0], Does.StartWith("pipeline: error: warehouse is busy"));
        }

        // Each job (Mailchimp, HubSpot, files) ends with a line of its own. Should that wording change, the case
        // still holds after 90 s: SIGTERM lets a running window commit, and the last sync below completes the rest.
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
        {
            if (!await WaitForJobEndsAsync(scheduler, 3, wait.Token))
            {
                TestContext.Out.WriteLine("the scheduler's jobs did not all report their end within 90 s; stopping it anyway");
            }
        }

        Terminate(scheduler);
        var stopped = await scheduler.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.That(stopped.ExitCode, Is.Zero, $"SIGTERM stops the scheduler cleanly: {stopped}");
        Assert.That(stopped.Error, Does.Not.Contain("   at "), "no stack trace");

        // Whatever either of them skipped, one more run completes the warehouse; it must then be the reference.
        var last = await CliProcess.RunAsync(folder.Path, "sync", "--config", config);
        Assert.That(last.ExitCode, Is.Zero, last.ToString());
        await AssertEqualsReferenceAsync(reference, warehouse, only: ["hubspot_", "mailchimp_", "files_"]);
    }

    /// <summary>True once <paramref name="jobs"/> job-end lines are on the scheduler's stderr; false on timeout.</summary>
    private static async Task<bool> WaitForJobEndsAsync(CliProcess scheduler, int jobs, CancellationToken cancellationToken)
    {
        try
        {
            while (!scheduler.HasExited)
            {
                var ended = scheduler.ErrorText.Split('\n').Count(l =>
                    (l.Contains("scheduled run", StringComparison.Ordinal)
                     && (l.Contains(" finished:", StringComparison.Ordinal) || l.Contains(" failed:", StringComparison.Ordinal) || l.Contains("stopped early", StringComparison.Ordinal)))
                    || l.Contains("Run skipped", StringComparison.Ordinal) || l.Contains("could not connect", StringComparison.Ordinal));
                if (ended >= jobs)
                {
                    return true;
                }

                await Task.Delay(100, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        Assert.Fail($"the scheduler exited on its own: {scheduler.ErrorText}");
        return false;
    }

    /// <summary>SIGTERM, as a service manager stops it.</summary>
    private static void Terminate(CliProcess process)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <param name="only">Compare only the staging tables whose names start with one of these (sources left out of a case).</param>
    private static async Task AssertEqualsReferenceAsync(ReferenceWorld reference, string warehouse, string[]? only = null)
    {
        bool Kept(string name) => only is null || only.Any(p => name.StartsWith($"\"staging\".\"{p}", StringComparison.Ordinal));
        var expected = (await reference.ChecksumsAsync(marts: false)).Where(kv => Kept(kv.Key)).ToDictionary();
        var actual = (await WarehouseChecksum.ComputeAsync(warehouse, marts: false)).Where(kv => Kept(kv.Key)).ToDictionary();
        Assert.That(await WarehouseChecksum.CompareAsync(reference.WarehousePath, expected, warehouse, actual), Is.Empty);
        await using var connection = new DuckDBConnection($"Data Source={warehouse}");
        await connection.OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM etl.sync_runs WHERE status = 'Running'"), Is.Zero, "no window left 'Running'");
    }
}
