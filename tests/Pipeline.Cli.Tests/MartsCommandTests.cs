using DuckDB.NET.Data;

namespace Pipeline.Cli.Tests;

/// <summary><c>pipeline marts refresh|rebuild</c> and what <c>migrate</c> says about the mart tables it rebuilt.</summary>
public sealed class MartsCommandTests : CliTestBase
{
    [Test]
    public async Task Migrate_names_the_mart_tables_it_builds_and_rebuilds_only_a_changed_definition()
    {
        var first = await RunWithConfigAsync("migrate");
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Ok), first.Error);
        Assert.That(first.Out, Does.Contain("Mart tables rebuilt (new or changed definition):").And.Contain("mart.kpi_values"));

        var unchanged = await RunWithConfigAsync("migrate");
        Assert.That(unchanged.Out, Does.Not.Contain("Mart tables rebuilt"), "an unchanged definition keeps its table");

        // As if mart.kpi_measures had been built from an older definition.
        await ExecuteAsync("UPDATE etl.mart_state SET definition_hash = 'older' WHERE mart = 'mart.kpi_measures'");
        var changed = await RunWithConfigAsync("migrate");
        Assert.That(changed.ExitCode, Is.EqualTo(ExitCodes.Ok), changed.Error);
        Assert.That(changed.Out, Does.Contain("Mart tables rebuilt (new or changed definition): mart.kpi_measures"));
    }

    [TestCase("rebuild", "Rebuilt")]
    [TestCase("refresh", "Refreshed")]
    public async Task Marts_commands_recompute_the_tables_and_say_how_many(string command, string verb)
    {
        await RunWithConfigAsync("migrate");

        var result = await RunWithConfigAsync("marts", command);

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Match($@"{verb} \d+ mart tables \(.+\) in \d+\.\d s"));
        Assert.That(await ScalarAsync("SELECT count(*) FROM etl.mart_state WHERE refreshed_at IS NOT NULL"), Is.GreaterThan(0L));
    }

    [Test]
    public async Task Marts_refresh_on_a_missing_warehouse_fails_in_one_line_and_creates_nothing()
    {
        var result = await RunWithConfigAsync("marts", "refresh");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed));
        Assert.That(result.ErrorLines.Single(), Does.Contain("no warehouse at"));
        Assert.That(File.Exists(WarehousePath), Is.False);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new DuckDBConnection($"Data Source={WarehousePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new DuckDBConnection($"Data Source={WarehousePath};ACCESS_MODE=READ_ONLY");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
