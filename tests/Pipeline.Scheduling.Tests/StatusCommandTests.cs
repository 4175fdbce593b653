using Dapper;
using DuckDB.NET.Data;
using Pipeline.Cli;
using Pipeline.Scheduling.Tests.Support;

namespace Pipeline.Scheduling.Tests;

/// <summary><c>pipeline status</c> for monitoring: freshness per configured source and exit code 4 when one is stale.</summary>
public sealed class StatusCommandTests : TestFolder
{
    private string warehousePath = "";

    [SetUp]
    public async Task CreateWarehouse()
    {
        warehousePath = Path.Combine(Folder, "data", "warehouse.duckdb");
        await WarehouseTemplate.CopyToAsync(warehousePath);
        Directory.CreateDirectory(Path.Combine(Folder, "files"));
    }

    private string Config(object? alerts = null) => CliRunner.WriteConfig(Folder, new Dictionary<string, object>
    {
        ["Warehouse"] = new { DuckDb = new { Path = warehousePath } },
        ["Logging"] = new { Directory = "" },
        ["Sources"] = new { Files = new { Folder = Path.Combine(Folder, "files") } },
        ["Alerts"] = alerts ?? new { },
    });

    [Test]
    public async Task Exit_code_is_4_while_a_configured_source_is_stale_and_0_once_it_is_fresh()
    {
        var config = Config();

        var never = await CliRunner.RunAsync("status", "--config", config);
        Assert.That(never.ExitCode, Is.EqualTo(ExitCodes.Stale), never.Error);
        Assert.That(never.Out, Does.Contain("Freshness per configured source").And.Contain("NEVER SYNCED").And.Contain("Stale beyond SLA: files (never synced completely)"));

        await RecordSuccessAsync(DateTime.UtcNow.AddHours(-30));
        var stale = await CliRunner.RunAsync("status", "--config", config);
        Assert.That(stale.ExitCode, Is.EqualTo(ExitCodes.Stale), stale.Out);
        Assert.That(stale.Out, Does.Match(@"files\s+│\s+1\s+│.+│\s+30\.0\s+│\s+26\s+│\s+STALE").And.Contain("files (30.0 h > 26 h)"));

        var lenient = await CliRunner.RunAsync("status", "--config", Config(new { FreshnessSlaHours = new { files = 48 } }));
        Assert.That(lenient.ExitCode, Is.EqualTo(ExitCodes.Ok), "Alerts:FreshnessSlaHours:files raises the SLA to 48 h\n" + lenient.Out);

        await RecordSuccessAsync(DateTime.UtcNow.AddMinutes(-10));
        var fresh = await CliRunner.RunAsync("status", "--config", Config());
        Assert.That(fresh.ExitCode, Is.EqualTo(ExitCodes.Ok), fresh.Out);
        Assert.That(fresh.Out, Does.Match(@"files\s+│\s+1\s+│.+│\s+0\.\d\s+│\s+26\s+│\s+fresh\s+│\s+120\s+│\s+7\s+│\s+0"));
    }

    [Test]
    public async Task Without_configured_sources_nothing_is_stale()
    {
        var config = CliRunner.WriteConfig(Folder, new { Warehouse = new { DuckDb = new { Path = warehousePath } }, Logging = new { Directory = "" } });

        var result = await CliRunner.RunAsync("status", "--config", config);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Contain("Freshness: no sources are configured"));
    }

    /// <summary>What a successful sync of files.marketing_costs leaves behind, finished at the given time.</summary>
    private async Task RecordSuccessAsync(DateTime finishedUtc)
    {
        await using var db = new DuckDBConnection($"Data Source={warehousePath}");
        await db.OpenAsync();
        var run = "run-" + Guid.NewGuid().ToString("N")[..6];
        await db.ExecuteAsync(
            """
            INSERT INTO etl.sync_state VALUES ('files', 'marketing_costs', 'folder', 'v1', $at, $run)
            ON CONFLICT (source, stream, account_id) DO UPDATE SET updated_at = excluded.updated_at, run_id = excluded.run_id;
            INSERT INTO etl.sync_runs (run_id, source, stream, account_id, started_at, finished_at, status, rows_written, api_calls)
            VALUES ($run, 'files', 'marketing_costs', 'folder', $at - INTERVAL 1 MINUTE, $at, 'Succeeded', 120, 7);
            """,
            new { at = finishedUtc, run });
    }
}
