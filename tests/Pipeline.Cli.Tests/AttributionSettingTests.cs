namespace Pipeline.Cli.Tests;

/// <summary>Reporting:Attribution is validated with the other reporting settings and published in dw.settings.</summary>
public sealed class AttributionSettingTests : CliTestBase
{
    [Test]
    public async Task An_unknown_attribution_model_is_one_line_naming_the_key_and_the_valid_models()
    {
        WriteConfig(new { Reporting = new { Attribution = "last_touch" } });

        var result = await RunWithConfigAsync("config", "check");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.ErrorLines.Single(), Does.Contain("Reporting:Attribution").And.Contain("'last_touch'")
            .And.Contain("first_touch").And.Contain("deal_source").And.Contain(ConfigPath));
        Assert.That(File.Exists(WarehousePath), Is.False);
    }

    [TestCase(null, "first_touch")]
    [TestCase("deal_source", "deal_source")]
    public async Task Migrate_publishes_the_model_as_dw_settings_attribution_model(string? configured, string published)
    {
        WriteConfig(configured is null ? new { } : new { Reporting = new { Attribution = configured } });

        var result = await RunWithConfigAsync("migrate");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        await using var connection = new DuckDB.NET.Data.DuckDBConnection($"Data Source={WarehousePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT attribution_model FROM dw.settings";
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo(published));
    }
}
