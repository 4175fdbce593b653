using System.Globalization;
using Dapper;
using DuckDB.NET.Data;
using Pipeline.Reliability.Tests.Infrastructure;

namespace Pipeline.Reliability.Tests;

/// <summary>
/// <c>pipeline sync</c> is killed with SIGKILL at a random moment (seeded; the seed is printed so a failure can be
/// replayed), its re-run killed again, and again, then run to the end. The warehouse must equal the uninterrupted run's: nothing lost, nothing
/// duplicated, cursors where they belong, and the interrupted window recorded as failed rather than left "Running".
/// </summary>
/// <remarks>
/// Trials compare every staging table, every dw object, the cursors and the rejects. The mart tables are refreshed
/// from exactly those (and proven equal to their definitions in tests/Pipeline.Marts.Tests), so equal inputs give
/// equal marts; the fault storm compares the marts themselves.
/// </remarks>
public sealed class CrashRecoveryTests
{
    private const string WindowDone = "rows written";

    /// <summary>Set PIPELINE_CRASH_SEED to replay a printed seed.</summary>
    private static int Seed(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("PIPELINE_CRASH_SEED"), CultureInfo.InvariantCulture, out var seed) ? seed : fallback;

    [Test]
    public Task Sync_killed_at_random_points_then_rerun_equals_the_uninterrupted_warehouse() => TrialsAsync(chains: 2, Seed(1123));

    [Test]
    [Category("Heavy")]
    public Task Heavy_24_kills_at_random_points_each_resumed_end_in_the_uninterrupted_warehouse() => TrialsAsync(chains: 8, Seed(2411));

    /// <summary>
    /// Each chain: a sync killed at a random point, the re-run killed again, and again (a kill while resuming from a
    /// kill is the harder case), then a run to the end whose warehouse is compared with the reference.
    /// </summary>
    private static async Task TrialsAsync(int chains, int seed)
    {
        const int KillsPerChain = 3;
        TestContext.Out.WriteLine($"crash trials seed {seed} (replay: PIPELINE_CRASH_SEED={seed})");
        var reference = await ReferenceWorld.GetAsync();
        var expected = await reference.ChecksumsAsync(marts: false);
        var random = new Random(seed);
        // Each committed window logs one "rows written" line on stderr: a kill point is "k windows in, plus a little".
        var windows = reference.Run.ErrorLines.Count(l => l.Contains(WindowDone, StringComparison.Ordinal));
        Assert.That(windows, Is.GreaterThan(20), "the reference run logs its windows on stderr");
        var interrupted = new List<string>();
        var mismatches = new List<string>();
        long rowsCompared = 0;
        var kills = 0;
        for (var chain = 1; chain <= chains; chain++)
        {
            using var folder = new TempFolder("crash");
            var warehouse = folder.File("warehouse.duckdb");
            var config = folder.File("pipeline.json");
            PipelineConfig.Write(config, reference.Config(warehouse, folder.File("logs")));
            var inFlightWindows = new HashSet<string>(StringComparer.Ordinal);
            for (var kill = 1; kill <= KillsPerChain; kill++)
            {
                // k = 0: anywhere in start-up and migrate; otherwise up to 300 ms after the k-th window committed.
                var k = random.Next(0, windows);
                var extra = TimeSpan.FromMilliseconds(k == 0 ? 200 + random.Next(0, 3000) : random.Next(0, 300));
                CliResult killed;
                using (var cli = CliProcess.Start(folder.Path, null, "sync", "--config", config))
                {
                    await cli.WaitForErrorLinesAsync(WindowDone, k, CancellationToken.None);
                    await Task.Delay(extra);
                    cli.Kill();
                    killed = await cli.WaitAsync(TimeSpan.FromSeconds(30));
                }

                kills++;
                // A run killed before its first window leaves the previous run's windows 'Running': count each once.
                var inFlight = (await InFlightAsync(warehouse)).Where(w => inFlightWindows.Add(w.Key)).Select(w => w.Stream).ToList();
                var where = !killed.Killed ? "after the run had ended" : inFlight.Count == 0 ? "between windows, in start-up or in migrate" : string.Join(", ", inFlight);
                interrupted.Add(where);
                TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"chain {chain} kill {kill}: {extra.TotalMilliseconds:0} ms after window {k} of the run ({killed.Duration.TotalSeconds:0.0} s), in flight: {where}"));
            }

            var rerun = await CliProcess.RunAsync(folder.Path, "sync", "--config", config);
            Assert.That(rerun.ExitCode, Is.Zero, $"chain {chain}: the run after the kills: {rerun}");

            var actual = await WarehouseChecksum.ComputeAsync(warehouse, marts: false);
            rowsCompared += WarehouseChecksum.Rows(actual);
            mismatches.AddRange((await WarehouseChecksum.CompareAsync(reference.WarehousePath, expected, warehouse, actual)).Select(m => $"chain {chain}: {m}"));
            await AssertRunLogClosedAsync(warehouse, chain, inFlightWindows.Count);
        }

        var withWindow = interrupted.Where(i => i.Contains('.', StringComparison.Ordinal)).ToList();
        var streams = withWindow.SelectMany(i => i.Split(", ")).Distinct().Count();
        Figures.Record(
            "crash recovery",
            string.Create(CultureInfo.InvariantCulture,
                $"seed {seed}, {kills} SIGKILLs in {chains} chains of {KillsPerChain}, {withWindow.Count} with a window in flight over {streams} distinct streams, "
                + $"{interrupted.Count(i => i.StartsWith("between", StringComparison.Ordinal))} between windows or in migrate, "
                + $"{rowsCompared} rows compared, {mismatches.Count} mismatches"));
        Worlds.AssumeSameDaySince(reference.SyncedAtUtc);
        Assert.That(mismatches, Is.Empty);
    }

    /// <summary>Windows the killed process had started and not finished (empty when the warehouse is not there yet).</summary>
    private static async Task<List<(string Key, string Stream)>> InFlightAsync(string warehouse)
    {
        if (!File.Exists(warehouse))
        {
            return [];
        }

        await using var connection = new DuckDBConnection($"Data Source={warehouse}");
        await connection.OpenAsync();
        var hasRuns = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'etl' AND table_name = 'sync_runs'");
        return hasRuns == 0
            ? []
            : (await connection.QueryAsync<(string, string)>(
                "SELECT run_id || '|' || source || '.' || stream || '|' || account_id || '|' || coalesce(CAST(window_from AS VARCHAR), ''), source || '.' || stream FROM etl.sync_runs WHERE status = 'Running'")).ToList();
    }

    /// <summary>After the re-run nothing is left "Running": the killed window is recorded as failed and says why.</summary>
    private static async Task AssertRunLogClosedAsync(string warehouse, int chain, int inFlight)
    {
        await using var connection = new DuckDBConnection($"Data Source={warehouse}");
        await connection.OpenAsync();
        var running = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM etl.sync_runs WHERE status = 'Running'");
        Assert.That(running, Is.Zero, $"chain {chain}: no window of a dead process stays 'Running'");
        var interrupted = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM etl.sync_runs WHERE status = 'Failed' AND error LIKE 'interrupted%'");
        Assert.That(interrupted, Is.EqualTo(inFlight), $"chain {chain}: each killed window is recorded as interrupted");
    }
}
