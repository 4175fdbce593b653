namespace Pipeline.Cli.Tests;

public sealed class CommandLineTests : CliTestBase
{
    [Test]
    public async Task Version_prints_the_assembly_version()
    {
        var result = await RunAsync("--version");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(result.Out.Trim(), Does.Match(@"^\d+\.\d+\.\d+"));
    }

    [TestCase("bogus")]
    [TestCase("migrate", "--bogus")]
    [TestCase("status", "--runs", "zero")]
    [TestCase("status", "--runs", "0")]
    [TestCase("config")]
    public async Task Unknown_or_bad_arguments_give_one_line_exit_2_and_write_nothing(params string[] args)
    {
        var result = await RunWithConfigAsync(args);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.StartWith("pipeline: error: "));
        Assert.That(result.Out, Is.Empty);
        AssertNothingWritten();
    }

    [Test]
    public async Task Migrate_twice_applies_scripts_once()
    {
        var first = await RunWithConfigAsync("migrate");
        var second = await RunWithConfigAsync("migrate");

        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Ok), first.Error);
        Assert.That(first.Out, Does.Contain("Versioned/0001_layers_and_etl.sql"));
        Assert.That(second.ExitCode, Is.EqualTo(ExitCodes.Ok), second.Error);
        Assert.That(second.Out, Does.Contain("none to apply"));
        Assert.That(File.Exists(WarehousePath), Is.True);
    }

    [Test]
    public async Task Status_shows_objects_and_row_counts_and_refuses_a_missing_warehouse()
    {
        var missing = await RunWithConfigAsync("status");
        Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.Failed));
        Assert.That(missing.ErrorLines.Single(), Does.Contain("no warehouse at").And.Contain("pipeline migrate"));
        Assert.That(File.Exists(WarehousePath), Is.False, "status must not create a warehouse");

        await RunWithConfigAsync("migrate");
        var status = await RunWithConfigAsync("status", "--runs", "5");

        Assert.That(status.ExitCode, Is.EqualTo(ExitCodes.Ok), status.Error);
        Assert.That(status.Out, Does.Contain("sync_runs").And.Contain("schema_versions").And.Contain("v_stream_status"));
        Assert.That(status.Out, Does.Contain("none yet"));
    }

    [Test]
    public async Task Demo_syncs_the_sandbox_into_its_own_warehouse_and_prints_schemas_runs_and_numbers()
    {
        var demoPath = Path.Combine(Folder, "demo", "demo.duckdb");

        var result = await RunWithConfigAsync("demo", "--warehouse", demoPath, "--days", "14");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Contain("Schemas").And.Contain("staging").And.Contain("mart").And.Contain("etl.sync_runs, per stream"));
        Assert.That(result.Out, Does.Contain("ga4_traffic_daily").And.Contain("Succeeded").And.Contain("All channels"));
        foreach (var source in new[] { "ga4", "meta", "mailchimp", "hubspot", "files" })
        {
            Assert.That(result.Out, Does.Match($@"│ {source}\s+│"), $"the demo synced {source}");
        }

        Assert.That(result.Out, Does.Not.Contain("Failed"));
        Assert.That(File.Exists(demoPath), Is.True);

        // The dashboard printed is the mart's: the All-channels revenue of the month in the title, as the view has it.
        var title = System.Text.RegularExpressions.Regex.Match(result.Out, @"Executive dashboard, (\w+ \d{4})");
        Assert.That(title.Success, Is.True, result.Out);
        var month = DateTime.ParseExact(title.Groups[1].Value, "MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
        using (var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={demoPath};ACCESS_MODE=READ_ONLY"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT revenue FROM mart.dashboard_executive WHERE grain = 'month' AND is_total AND period_start = DATE '{month:yyyy-MM-dd}'";
            var revenue = Convert.ToDouble(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.That(result.Out, Does.Match(@"All channels[^\n]*" + System.Text.RegularExpressions.Regex.Escape(revenue.ToString("N2", System.Globalization.CultureInfo.InvariantCulture))));
        }

        Assert.That(File.Exists(WarehousePath), Is.False, "the demo never writes into the configured warehouse");
    }

    [Test]
    public async Task Every_log_event_of_an_invocation_carries_one_run_id()
    {
        await RunWithConfigAsync("migrate");

        var lines = Directory.GetFiles(LogFolder, "pipeline-*.json").SelectMany(File.ReadAllLines).ToList();
        Assert.That(lines, Is.Not.Empty);
        var runIds = lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("RunId").GetString()).Distinct().ToList();
        Assert.That(runIds, Has.Count.EqualTo(1));
        Assert.That(runIds[0], Does.Match(@"^\d{8}T\d{6}Z-[0-9a-f]{6}$"));
    }

    private void AssertNothingWritten()
    {
        Assert.That(Directory.Exists(Path.GetDirectoryName(WarehousePath)), Is.False, "no warehouse folder");
        Assert.That(Directory.Exists(LogFolder), Is.False, "no log folder");
    }
}
