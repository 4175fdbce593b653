namespace Pipeline.Cli.Tests;

public sealed class ConfigurationTests : CliTestBase
{
    [Test]
    public async Task An_unknown_key_is_named_with_its_file_in_one_line_and_nothing_is_written()
    {
        WriteConfig(new { Warehouse = new { Engin = "duckdb" } }, includeDefaults: false);

        var result = await RunWithConfigAsync("migrate");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain("Warehouse:Engin").And.Contain(ConfigPath).And.Contain("unknown key"));
        Assert.That(Directory.Exists(Path.Combine(Folder, "data")), Is.False);
    }

    [Test]
    public async Task Malformed_json_names_the_file_and_position()
    {
        File.WriteAllText(ConfigPath, "{\n  \"Warehouse\": {\n    \"Engine\": duckdb\n  }\n}");

        var result = await RunWithConfigAsync("migrate");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines.Single(), Does.Contain(ConfigPath).And.Contain("invalid JSON at line 3"));
    }

    [Test]
    public async Task A_missing_config_file_is_an_error()
    {
        var result = await RunAsync("migrate", "--config", Path.Combine(Folder, "nope.json"));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines.Single(), Does.Contain("config file not found").And.Contain("nope.json"));
    }

    [Test]
    public async Task Config_check_lists_every_error_with_key_and_origin()
    {
        WriteConfig(new
        {
            Warehouse = new { Engine = "postgres", DuckDb = new { Path = "x.duckdb" } },
            Logging = new { Level = "Loud", Directory = LogFolder, Colour = "red" },
        }, includeDefaults: false);

        var result = await RunWithConfigAsync("config", "check");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), "shape errors come first: the unknown key");
        Assert.That(result.ErrorLines[0], Does.Contain("Logging:Colour").And.Contain(ConfigPath));

        WriteConfig(new { Warehouse = new { Engine = "postgres" }, Logging = new { Level = "Loud" } });
        result = await RunWithConfigAsync("config", "check");
        Assert.That(result.ErrorLines, Has.Length.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Some.Contains("Warehouse:Engine").And.Contains("'postgres' is not an engine"));
        Assert.That(result.ErrorLines, Has.Some.Contains("Logging:Level").And.Contains("'Loud' is not a level"));
        Assert.That(result.ErrorLines, Has.All.Contain(ConfigPath));
    }

    [Test]
    public async Task Bad_reporting_settings_are_named_and_nothing_is_migrated()
    {
        WriteConfig(new { Reporting = new { Currency = "euro", TimeZone = "Mars/Olympus", GrossMargin = 1.5, AnomalyWindowDays = 2, CrmMaturityDays = -1 } });

        var result = await RunWithConfigAsync("migrate");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines.Single(), Does.Contain("Reporting:").And.Contain("(and 4 more)"));
        Assert.That(File.Exists(WarehousePath), Is.False);

        result = await RunWithConfigAsync("config", "check");
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(5), result.Error);
        Assert.That(result.ErrorLines, Has.Some.Contains("Reporting:Currency").And.Contains("'euro' is not an ISO 4217 code"));
        Assert.That(result.ErrorLines, Has.Some.Contains("Reporting:TimeZone").And.Contains("'Mars/Olympus' is not a time zone"));
        Assert.That(result.ErrorLines, Has.Some.Contains("Reporting:GrossMargin"));
        Assert.That(result.ErrorLines, Has.Some.Contains("Reporting:AnomalyWindowDays"));
        Assert.That(result.ErrorLines, Has.Some.Contains("Reporting:CrmMaturityDays").And.Contains("-1 is outside 0..730"));
        Assert.That(File.Exists(WarehousePath), Is.False);
    }

    [TestCase(0)]
    [TestCase(121)]
    public async Task Min_ltv_history_months_outside_1_to_120_is_named_with_its_file(int months)
    {
        WriteConfig(new { Reporting = new { MinLtvHistoryMonths = months } });

        var result = await RunWithConfigAsync("config", "check");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines.Single(), Does.Contain("Reporting:MinLtvHistoryMonths").And.Contain($"{months} is outside 1..120").And.Contain(ConfigPath));
    }

    [Test]
    public async Task Config_check_masks_secrets_and_shows_where_each_value_came_from()
    {
        const string Sentinel = "Sentinel-Secret-7d1f";
        WriteConfig(new { Warehouse = new { SqlServer = new { ConnectionString = $"Server=db;User Id=pipeline;Password={Sentinel}" } } });

        var result = await RunWithConfigAsync("config", "check");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Contain("Configuration OK").And.Contain("Warehouse:SqlServer:ConnectionString").And.Contain("********"));
        Assert.That(result.Out + result.Error, Does.Not.Contain(Sentinel));
        Assert.That(result.Out, Does.Contain("pipeline.json"));
    }

    [Test]
    public async Task A_wrongly_typed_value_is_named()
    {
        WriteConfig(new { Warehouse = new { DuckDb = new { Path = new { Nested = 1 } } } }, includeDefaults: false);

        var result = await RunWithConfigAsync("config", "check");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines.Single(), Does.Contain("Warehouse:DuckDb:Path").And.Contain("expected a single"));
    }

    [Test]
    public async Task Environment_variables_override_files_and_are_named_in_errors()
    {
        var env = new Dictionary<string, string> { ["PIPELINE__WAREHOUSE__ENGINE"] = "postgres" };

        var result = await RunProcessAsync(Folder, env, "migrate", "--config", ConfigPath);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage), result.Error);
        Assert.That(result.ErrorLines.Single(), Does.Contain("environment variable PIPELINE__WAREHOUSE__ENGINE"));
        Assert.That(File.Exists(WarehousePath), Is.False);
    }
}
