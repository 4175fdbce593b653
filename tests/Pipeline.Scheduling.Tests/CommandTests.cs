using Dapper;
using DuckDB.NET.Data;
using Pipeline.Cli;
using Pipeline.Etl.Scheduling;
using Pipeline.Scheduling.Tests.Support;
using Pipeline.Warehouse;

namespace Pipeline.Scheduling.Tests;

/// <summary><c>pipeline schedule</c>'s refusals, <c>pipeline publish</c>, <c>pipeline state reset</c> and the scheduler lock.</summary>
public sealed class CommandTests : TestFolder
{
    private string warehousePath = "";

    [SetUp]
    public void Paths() => warehousePath = Path.Combine(Folder, "data", "warehouse.duckdb");

    private string Config(object? schedule = null, bool files = true) => CliRunner.WriteConfig(Folder, new Dictionary<string, object>
    {
        ["Warehouse"] = new { DuckDb = new { Path = warehousePath } },
        ["Logging"] = new { Directory = "" },
        ["Publish"] = new { Path = Path.Combine(Folder, "bi", "marts.duckdb") },
        ["Sources"] = files ? new { Files = new { Folder = Folder } } : new { },
        ["Schedule"] = schedule ?? new { },
    });

    [Test]
    public async Task Schedule_refuses_to_start_without_anything_to_schedule()
    {
        var none = await CliRunner.RunAsync("schedule", "--config", Config(files: false));
        var off = await CliRunner.RunAsync("schedule", "--config", Config(new { Enabled = false }));
        var allOff = await CliRunner.RunAsync("schedule", "--config", Config(new { Cron = new { files = "off" } }));

        Assert.That((none.ExitCode, off.ExitCode, allOff.ExitCode), Is.EqualTo((ExitCodes.Usage, ExitCodes.Usage, ExitCodes.Usage)));
        Assert.That(none.Error, Does.Contain("no sources are configured: nothing to schedule"));
        Assert.That(off.Error, Does.Contain("Schedule:Enabled is false"));
        Assert.That(allOff.Error, Does.Contain("switched off in Schedule:Cron"));
        Assert.That(File.Exists(warehousePath), Is.False, "nothing was written");
    }

    [Test]
    public void A_second_scheduler_on_the_same_warehouse_is_refused_naming_the_holder_until_the_first_stops()
    {
        using (var first = SchedulerLock.Acquire(warehousePath))
        {
            var refused = Assert.Throws<WarehouseBusyException>(() => SchedulerLock.Acquire(warehousePath))!;
            Assert.That(refused.Message, Does.Contain("another 'pipeline schedule' is running on").And.Contain($"process {Environment.ProcessId} on {Environment.MachineName}"));
        }

        using var again = SchedulerLock.Acquire(warehousePath);
        Assert.That(File.ReadAllText(warehousePath + ".schedule.owner"), Does.StartWith($"process {Environment.ProcessId} "));
    }

    [Test]
    public async Task State_reset_forgets_only_the_matching_streams_in_one_go_and_keeps_staging()
    {
        await WarehouseTemplate.CopyToAsync(warehousePath);
        await using (var db = await OpenAsync())
        {
            await db.ExecuteAsync(
                """
                INSERT INTO etl.sync_state VALUES
                    ('ga4', 'traffic_daily', '111', '2026-03-01', now()::TIMESTAMP, 'r1'),
                    ('ga4', 'users_daily', '111', '2026-03-01', now()::TIMESTAMP, 'r1'),
                    ('ga4', 'traffic_daily', '222', '2026-03-02', now()::TIMESTAMP, 'r1'),
                    ('meta', 'campaigns', '333', '2026-03-01T00:00:00', now()::TIMESTAMP, 'r1');
                INSERT INTO staging.slow_daily VALUES (DATE '2026-03-01', 0, 1, '111', 'r1', now()::TIMESTAMP);
                """);
        }

        var one = await CliRunner.RunAsync("state", "reset", "--source", "ga4", "--stream", "traffic_daily", "--account", "222", "--config", Config());
        var source = await CliRunner.RunAsync("state", "reset", "--source", "ga4", "--config", Config());
        var nothing = await CliRunner.RunAsync("state", "reset", "--source", "hubspot", "--config", Config());
        var missing = await CliRunner.RunAsync("state", "reset", "--config", Config());

        Assert.That(one.ExitCode, Is.EqualTo(ExitCodes.Ok), one.Error);
        Assert.That(one.Out, Does.Contain("Reset 1 stream state(s) of ga4.traffic_daily account 222").And.Contain("2026-03-02"));
        Assert.That(source.Out, Does.Contain("Reset 2 stream state(s) of ga4").And.Contain("users_daily"));
        Assert.That(nothing.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(nothing.Out, Does.Contain("No stream state matches hubspot: nothing reset."));
        Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.Usage), "--source is required");
        await using var after = await OpenAsync();
        Assert.That(await after.QueryAsync<string>("SELECT source || '.' || stream FROM etl.sync_state"), Is.EqualTo(new[] { "meta.campaigns" }));
        Assert.That(await after.ExecuteScalarAsync<long>("SELECT count(*) FROM staging.slow_daily"), Is.EqualTo(1), "staging rows stay until the next sync replaces them");
    }

    [Test]
    public async Task Publish_writes_the_bi_copy_on_demand()
    {
        await WarehouseTemplate.CopyToAsync(warehousePath);

        var result = await CliRunner.RunAsync("publish", "--config", Config());

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Match(@"Published \d+ tables \([\d,]+ rows\) to .*bi/marts\.duckdb"));
        await using var copy = new DuckDBConnection($"Data Source={Path.Combine(Folder, "bi", "marts.duckdb")};ACCESS_MODE=READ_ONLY");
        await copy.OpenAsync();
        Assert.That(await copy.ExecuteScalarAsync<long>("SELECT count(*) FROM etl.published"), Is.EqualTo(1));
    }

    private async Task<DuckDBConnection> OpenAsync()
    {
        var connection = new DuckDBConnection($"Data Source={warehousePath}");
        await connection.OpenAsync();
        return connection;
    }
}
