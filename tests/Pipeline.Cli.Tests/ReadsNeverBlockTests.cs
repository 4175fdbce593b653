using DuckDB.NET.Data;

namespace Pipeline.Cli.Tests;

/// <summary>
/// <c>kpi</c>, <c>status</c> and <c>report</c> only read: they open the warehouse read-only (so they share it with
/// each other), and while a writer (a sync) holds it they read the last published copy and say so in one line.
/// </summary>
public sealed class ReadsNeverBlockTests : CliTestBase
{
    private string PublishedPath => Path.Combine(Folder, "data", "marts.duckdb");

    [SetUp]
    public async Task MigrateAndFill()
    {
        WriteConfig(new { Publish = new { Path = PublishedPath } });
        var migrated = await RunWithConfigAsync("migrate");
        Assert.That(migrated.ExitCode, Is.EqualTo(ExitCodes.Ok), migrated.Error);
        await using var connection = new DuckDBConnection($"Data Source={WarehousePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            INSERT INTO staging.meta_insights_daily (date_start, date_stop, account_id, account_currency, campaign_id, campaign_name, adset_id, ad_id,
                impressions, inline_link_clicks, spend, reach_unavailable, _account_id, _run_id, _loaded_at) VALUES
              ('2026-01-05', '2026-01-05', 'act_1', 'EUR', 'c1', 'winter_sale', 's1', 'a1', 4000, 100, 60.00, false, 'act_1', 'test', now());
            INSERT INTO etl.sync_state (source, stream, account_id, cursor_value, updated_at, run_id) VALUES ('meta', 'insights_daily', 'act_1', '2026-01-05', now(), 'run-1');
            INSERT INTO etl.sync_runs (run_id, source, stream, account_id, started_at, finished_at, status, rows_written, window_from, window_to)
              VALUES ('run-1', 'meta', 'insights_daily', 'act_1', now()::TIMESTAMP, now()::TIMESTAMP, 'Succeeded', 1, DATE '2026-01-05', DATE '2026-01-05');
            """;
        await command.ExecuteNonQueryAsync();
        // Rows written straight into staging: no sync, so no refresh; the mart tables are rebuilt as `pipeline marts rebuild` would.
        await MartTables.RebuildAsync(connection);
    }

    [Test]
    public async Task While_a_writer_holds_the_warehouse_kpi_status_and_report_read_the_published_copy_and_say_so()
    {
        var published = await RunWithConfigAsync("publish");
        Assert.That(published.ExitCode, Is.EqualTo(ExitCodes.Ok), published.Error);
        var reportPath = Path.Combine(Folder, "report.html");

        CliResult kpi, status, report;
        await using (var writer = new DuckDBConnection($"Data Source={WarehousePath}"))
        {
            await writer.OpenAsync();
            kpi = await RunProcessAsync(Folder, null, "kpi", "cpc", "--from", "2026-01-05", "--to", "2026-01-05", "--format", "csv", "--config", ConfigPath);
            status = await RunProcessAsync(Folder, null, "status", "--config", ConfigPath);
            report = await RunProcessAsync(Folder, null, "report", "--out", reportPath, "--config", ConfigPath);
        }

        foreach (var (name, result) in new[] { ("kpi", kpi), ("status", status), ("report", report) })
        {
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), $"{name}: {result.Error}");
            Assert.That(result.ErrorLines, Has.Length.EqualTo(1), $"{name}: one line on stderr: {result.Error}");
            Assert.That(result.ErrorLines[0], Does.Match(
                $@"^warehouse busy \(sync running since \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d UTC, process {Environment.ProcessId}\): reading the published copy of \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d UTC"),
                name);
        }

        Assert.That(kpi.Out, Does.Contain(",cpc,60,100,0.6,"), "the value comes from the copy");
        Assert.That(status.Out, Does.Contain("insights_daily").And.Contain("Succeeded"), "runs and stream state are in the copy");
        Assert.That(File.ReadAllText(reportPath), Does.Contain("Data freshness"));
    }

    [Test]
    public async Task Without_a_published_copy_a_held_warehouse_is_still_busy()
    {
        CliResult status;
        await using (var writer = new DuckDBConnection($"Data Source={WarehousePath}"))
        {
            await writer.OpenAsync();
            status = await RunProcessAsync(Folder, null, "status", "--config", ConfigPath);
        }

        Assert.That(status.ExitCode, Is.EqualTo(ExitCodes.WarehouseBusy), status.Error);
        Assert.That(status.ErrorLines.Single(), Does.Contain($"warehouse is busy (held by process {Environment.ProcessId}"));
    }

    [Test]
    public async Task Readers_share_the_warehouse_with_another_reader()
    {
        CliResult status, kpi;
        await using (var reader = new DuckDBConnection($"Data Source={WarehousePath};ACCESS_MODE=READ_ONLY"))
        {
            await reader.OpenAsync();
            status = await RunProcessAsync(Folder, null, "status", "--config", ConfigPath);
            kpi = await RunProcessAsync(Folder, null, "kpi", "cpc", "--from", "2026-01-05", "--to", "2026-01-05", "--format", "csv", "--config", ConfigPath);
        }

        Assert.That(status.ExitCode, Is.EqualTo(ExitCodes.Ok), status.Error);
        Assert.That(status.Error, Is.Empty, "the live warehouse, not the copy");
        Assert.That(kpi.ExitCode, Is.EqualTo(ExitCodes.Ok), kpi.Error);
        Assert.That(kpi.Out, Does.Contain(",cpc,60,100,0.6,"));
    }
}
