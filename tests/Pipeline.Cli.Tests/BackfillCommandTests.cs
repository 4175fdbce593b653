using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Cli.Tests;

public sealed partial class BackfillCommandTests : CliTestBase
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    // 12 days in windows of 3: four windows per stream, the world's first day inside the range.
    private static readonly string From = Today.AddDays(-13).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static readonly string To = Today.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Test]
    public async Task Dry_run_prints_windows_calls_quota_and_eta_and_writes_nothing()
    {
        await using var sandbox = await StartSandboxAsync();
        WriteGa4Config(sandbox);

        var before = await RunWithConfigAsync("backfill", "--source", "ga4", "--stream", "traffic_daily", "--from", From, "--to", To, "--dry-run");

        Assert.That(before.ExitCode, Is.EqualTo(ExitCodes.Ok), before.Error);
        Assert.That(before.Out, Does.Contain("traffic_daily").And.Contain($"{From}..{To}").And.Contain("runReport").And.Contain("tokens")
            .And.Contain("no measured rate yet").And.Contain("4 window(s) to run").And.Contain("Dry run: nothing was written"));
        Assert.That(File.Exists(WarehousePath), Is.False, "a dry run creates no warehouse");

        // With a run log, the ETA comes from the stream's measured windows; the warehouse file stays byte for byte.
        var synced = await RunWithConfigAsync("sync", "--source", "ga4");
        Assert.That(synced.ExitCode, Is.EqualTo(ExitCodes.Ok), synced.Error);
        var hash = Hash(WarehousePath);
        var after = await RunWithConfigAsync("backfill", "--source", "ga4", "--stream", "traffic_daily", "--from", From, "--to", To, "--dry-run");

        Assert.That(after.ExitCode, Is.EqualTo(ExitCodes.Ok), after.Error);
        Assert.That(after.Out, Does.Contain("s/window measured").And.Contain("ETA").And.Not.Contain("no measured rate yet"));
        Assert.That(Hash(WarehousePath), Is.EqualTo(hash), "a dry run writes nothing");
    }

    [Test]
    public async Task Backfill_loads_the_range_and_leaves_the_regular_cursor_where_it_was()
    {
        await using var sandbox = await StartSandboxAsync();
        WriteGa4Config(sandbox);
        var synced = await RunWithConfigAsync("sync", "--source", "ga4", "--stream", "traffic_daily");
        Assert.That(synced.ExitCode, Is.EqualTo(ExitCodes.Ok), synced.Error);
        var cursor = await ScalarAsync(WarehousePath, "SELECT cursor_value FROM etl.sync_state WHERE stream = 'traffic_daily'");
        var daysBefore = await ScalarAsync(WarehousePath, $"SELECT count(DISTINCT date) FROM staging.ga4_traffic_daily WHERE date BETWEEN '{From}' AND '{To}'");

        var result = await RunWithConfigAsync("backfill", "--source", "ga4", "--stream", "traffic_daily", "--from", From, "--to", To);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Contain("[4/4]").And.Contain("done: 4 window(s)"));
        Assert.That(daysBefore, Is.LessThan(12), "the regular first run reads the last 3 days only");
        Assert.That(await ScalarAsync(WarehousePath, $"SELECT count(DISTINCT date) FROM staging.ga4_traffic_daily WHERE date BETWEEN '{From}' AND '{To}'"), Is.EqualTo(12));
        Assert.That(await ScalarAsync(WarehousePath, "SELECT cursor_value FROM etl.sync_state WHERE stream = 'traffic_daily'"), Is.EqualTo(cursor),
            "a backfill of older days does not move the cursor back");
    }

    [Test]
    public async Task A_backfill_stopped_after_two_windows_resumes_and_ends_equal_to_an_uninterrupted_one()
    {
        await using var sandbox = await StartSandboxAsync();
        var whole = Path.Combine(Folder, "data", "whole.duckdb");
        WriteGa4Config(sandbox, whole);
        var uninterrupted = await RunWithConfigAsync("backfill", "--source", "ga4", "--from", From, "--to", To);
        Assert.That(uninterrupted.ExitCode, Is.EqualTo(ExitCodes.Ok), uninterrupted.Error);

        WriteGa4Config(sandbox);
        using var ctrlC = new CancellationTokenSource();
        var stopped = await RunInProcessAsync(ctrlC.Token, afterWindows: 2, ctrlC.Cancel, "backfill", "--source", "ga4", "--from", From, "--to", To);
        Assert.That(stopped.ExitCode, Is.EqualTo(ExitCodes.Failed), stopped.Error);
        Assert.That(stopped.Out, Does.Contain("Backfill stopped after 2 window(s)").And.Contain("Run the same command again to resume"));
        Assert.That(WindowLines().Count(stopped.Out), Is.EqualTo(2), "Ctrl-C lets the window in flight finish and starts no other");

        var resumed = await RunWithConfigAsync("backfill", "--source", "ga4", "--from", From, "--to", To);

        Assert.That(resumed.ExitCode, Is.EqualTo(ExitCodes.Ok), resumed.Error);
        Assert.That(resumed.Out, Does.Contain("(done through"));
        Assert.That(WindowLines().Count(resumed.Out) + 2, Is.EqualTo(WindowLines().Count(uninterrupted.Out)), "the resumed run reads only what was left");
        foreach (var table in new[] { "staging.ga4_traffic_daily", "staging.ga4_users_daily" })
        {
            Assert.That(await ChecksumAsync(WarehousePath, table), Is.EqualTo(await ChecksumAsync(whole, table)), table);
        }
    }

    [Test]
    public async Task The_warehouse_lock_is_released_between_windows_so_another_writer_gets_in()
    {
        await using var sandbox = await StartSandboxAsync();
        WriteGa4Config(sandbox);
        CliResult? between = null;
        var result = await RunInProcessAsync(CancellationToken.None, afterWindows: 1,
            () => between = RunProcessAsync(Folder, null, "migrate", "--config", ConfigPath).GetAwaiter().GetResult(),
            "backfill", "--source", "ga4", "--stream", "traffic_daily", "--from", From, "--to", To);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(between, Is.Not.Null, "the hook ran after the first window");
        Assert.That(between!.ExitCode, Is.EqualTo(ExitCodes.Ok), "a writer in another process got the warehouse between two windows: " + between.Error);
    }

    [TestCase("hubspot_nope", "source 'hubspot_nope' is not configured")]
    public async Task A_source_that_is_not_configured_is_named(string source, string message)
    {
        await using var sandbox = await StartSandboxAsync();
        WriteGa4Config(sandbox);

        var result = await RunWithConfigAsync("backfill", "--source", source, "--from", From, "--to", To, "--dry-run");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain(message));
    }

    private static Task<SandboxServer> StartSandboxAsync() =>
        SandboxServer.StartAsync(new SandboxOptions { World = WorldOptions.Demo with { StartDate = Today.AddDays(-13), Days = 14 } });

    private void WriteGa4Config(SandboxServer sandbox, string? warehouse = null) => WriteConfig(new
    {
        Warehouse = new { DuckDb = new { Path = warehouse ?? WarehousePath } },
        Sources = new
        {
            Ga4 = new
            {
                BaseUrl = sandbox.Ga4BaseAddress,
                TokenUrl = sandbox.GoogleTokenUri,
                Properties = new[]
                {
                    new { PropertyId = sandbox.Credentials.Ga4PropertyId, ServiceAccountKeyJson = sandbox.Credentials.GoogleServiceAccountKeyJson, FirstRunDays = 3, ChunkDays = 3 },
                },
            },
        },
    });

    /// <summary>The CLI in this process with a token the test cancels (Ctrl-C) and a hook called once after N window lines.</summary>
    private async Task<CliResult> RunInProcessAsync(CancellationToken cancellationToken, int afterWindows, Action hook, params string[] args)
    {
        using var output = new HookingWriter(afterWindows, hook);
        using var error = new StringWriter();
        var env = new CliEnvironment { Out = output, Error = error, LogToErrorWriter = true };
        var code = await PipelineCli.RunAsync([.. args, "--config", ConfigPath], env, cancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    private static async Task<object?> ScalarAsync(string path, string sql)
    {
        await using var connection = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync();
        return value is long l ? (int)l : value;
    }

    /// <summary>A hash of the table's data columns in a fixed order (load metadata such as run ids left out).</summary>
    private static async Task<string> ChecksumAsync(string path, string table)
    {
        await using var connection = new DuckDBConnection($"Data Source={path};ACCESS_MODE=READ_ONLY");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COLUMNS(c -> NOT starts_with(c, '_')) FROM {table} ORDER BY ALL";
        await using var reader = await command.ExecuteReaderAsync();
        var text = new StringBuilder();
        var rows = 0;
        while (await reader.ReadAsync())
        {
            rows++;
            for (var i = 0; i < reader.FieldCount; i++)
            {
                text.Append(Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)).Append('|');
            }

            text.Append('\n');
        }

        Assert.That(rows, Is.GreaterThan(0), $"{table} holds rows");
        return $"{rows}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))}";
    }

    private static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [GeneratedRegex(@"^\[\d+/\d+\] ", RegexOptions.Multiline)]
    private static partial Regex WindowLines();

    /// <summary>Captures the output and calls the hook once the Nth progress line of a finished window was written.</summary>
    private sealed partial class HookingWriter(int afterWindows, Action hook) : StringWriter(CultureInfo.InvariantCulture)
    {
        private bool called;

        public override void Write(char value)
        {
            base.Write(value);
            Check();
        }

        public override void Write(string? value)
        {
            base.Write(value);
            Check();
        }

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            Check();
        }

        private void Check()
        {
            if (!called && WindowLines().Count(ToString()) >= afterWindows && ToString().EndsWith('\n'))
            {
                called = true;
                hook();
            }
        }
    }
}

public sealed class BackfillPlanTests : CliTestBase
{
    [Test]
    public async Task An_entity_stream_is_refused_with_a_pointer_to_sync_and_a_whole_source_plan_says_it_is_not_backfilled()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = WorldOptions.Demo with { Days = 7 } });
        WriteConfig(new { Sources = new { HubSpot = new { BaseUrl = sandbox.HubSpotBaseAddress, Accounts = new[] { new { AccessToken = sandbox.Credentials.HubSpotAccessToken } } } } });

        var one = await RunWithConfigAsync("backfill", "--source", "hubspot", "--stream", "deals", "--from", "2026-01-01", "--to", "2026-01-31");
        var all = await RunWithConfigAsync("backfill", "--source", "hubspot", "--from", "2026-01-01", "--to", "2026-01-31", "--dry-run");

        Assert.That(one.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(one.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(one.ErrorLines[0], Does.Contain("hubspot.deals is an entity stream").And.Contain("pipeline sync --source hubspot --stream deals"));
        Assert.That(all.ExitCode, Is.EqualTo(ExitCodes.Ok), all.Error);
        Assert.That(all.Out, Does.Contain("deals").And.Contain("entity stream, not windowed by day: not backfilled").And.Contain("no report stream to backfill"));
        Assert.That(File.Exists(WarehousePath), Is.False);
    }

    [Test]
    public void Rates_are_medians_of_committed_report_windows_per_stream()
    {
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        Pipeline.Warehouse.SyncRunRecord Window(string stream, int seconds, long calls, Pipeline.Warehouse.SyncRunStatus status = Pipeline.Warehouse.SyncRunStatus.Succeeded, bool windowed = true) =>
            new("r", "ga4", stream, "1")
            {
                StartedAt = start,
                FinishedAt = start.AddSeconds(seconds),
                Status = status,
                ApiCalls = calls,
                WindowFrom = windowed ? new DateOnly(2026, 1, 1) : null,
            };

        var rates = new Pipeline.Etl.Sync.BackfillRates(
        [
            Window("traffic_daily", 10, 1), Window("traffic_daily", 30, 3), Window("traffic_daily", 20, 2),
            Window("traffic_daily", 900, 50, Pipeline.Warehouse.SyncRunStatus.Failed),
            Window("users_daily", 4, 1), Window("users_daily", 8, 3),
            Window("deals", 60, 9, windowed: false),
        ]);

        Assert.That(rates.SecondsPerWindow("ga4", "traffic_daily"), Is.EqualTo(20));
        Assert.That(rates.CallsPerWindow("ga4", "traffic_daily"), Is.EqualTo(2));
        Assert.That(rates.SecondsPerWindow("ga4", "users_daily"), Is.EqualTo(6));
        Assert.That(rates.SecondsPerWindow("ga4", "deals"), Is.Null, "entity reads are not windows");
        Assert.That(rates.SecondsPerWindow("meta", "ads_insights_daily"), Is.Null);
    }
}
