using DuckDB.NET.Data;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Cli.Tests;

/// <summary>
/// Money in a currency without an FX rate cannot be converted, so its days are partial for the money KPIs (issue 19);
/// <c>pipeline status</c> and <c>pipeline sync</c> say so, one stderr line per currency and source (<c>dw.fx_missing</c>).
/// Meta spend in USD is loaded here without any fx_rates row; the reporting currency is EUR.
/// </summary>
public sealed class FxWarningTests : CliTestBase
{
    private async Task MigrateWithMetaSpendAsync(string currency)
    {
        var migrate = await RunWithConfigAsync("migrate");
        Assert.That(migrate.ExitCode, Is.EqualTo(ExitCodes.Ok), migrate.Error);
        await using var connection = new DuckDBConnection($"Data Source={WarehousePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText =
            $"""
            INSERT INTO staging.meta_insights_daily (date_start, date_stop, account_id, account_currency, campaign_id, campaign_name, adset_id, ad_id,
                impressions, inline_link_clicks, spend, reach_unavailable, _account_id, _run_id, _loaded_at) VALUES
              ('2026-01-05', '2026-01-05', 'act_1', '{currency}', 'c1', 'winter_sale', 's1', 'a1', 1000, 10, 20.00, false, 'act_1', 'test', now()),
              ('2026-01-05', '2026-01-05', 'act_1', '{currency}', 'c1', 'winter_sale', 's1', 'a2', 1000, 10, 20.00, false, 'act_1', 'test', now()),
              ('2026-01-07', '2026-01-07', 'act_1', '{currency}', 'c2', 'spring', 's2', 'a3', 3000, 90, 40.00, false, 'act_1', 'test', now());
            """;
        await command.ExecuteNonQueryAsync();
        // Rows written straight into staging: no sync, so no refresh; the mart tables are rebuilt as `pipeline marts rebuild` would.
        await MartTables.RebuildAsync(connection);
    }

    private static string[] FxLines(CliResult result) => result.ErrorLines.Where(l => l.Contains("FX rate", StringComparison.Ordinal)).ToArray();

    [Test]
    public async Task Status_warns_naming_the_currency_the_source_and_the_days()
    {
        await MigrateWithMetaSpendAsync("USD");

        var status = await RunWithConfigAsync("status");

        Assert.That(status.ExitCode, Is.EqualTo(ExitCodes.Ok), status.Error);
        var line = FxLines(status).Single();
        Assert.That(line, Does.StartWith("warning: no FX rate for USD:").And.Contain("meta money rows on 2 days (2026-01-05..2026-01-07)").And.Contain("add USD rates to fx_rates.csv"));
    }

    [Test]
    public async Task Status_says_nothing_about_FX_when_every_amount_is_in_the_reporting_currency()
    {
        await MigrateWithMetaSpendAsync("EUR");

        var status = await RunWithConfigAsync("status");

        Assert.That(status.ExitCode, Is.EqualTo(ExitCodes.Ok), status.Error);
        Assert.That(FxLines(status), Is.Empty);
    }

    [Test]
    public async Task Sync_warns_after_loading_when_money_has_no_rate()
    {
        await MigrateWithMetaSpendAsync("USD");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = WorldOptions.Demo with { StartDate = today.AddDays(-2), Days = 3 } });
        WriteConfig(new
        {
            Sources = new
            {
                Ga4 = new
                {
                    BaseUrl = sandbox.Ga4BaseAddress,
                    TokenUrl = sandbox.GoogleTokenUri,
                    Properties = new[] { new { PropertyId = sandbox.Credentials.Ga4PropertyId, ServiceAccountKeyJson = sandbox.Credentials.GoogleServiceAccountKeyJson, FirstRunDays = 3 } },
                },
            },
        });

        var sync = await RunWithConfigAsync("sync", "--source", "ga4", "--stream", "traffic_daily");

        Assert.That(sync.ExitCode, Is.EqualTo(ExitCodes.Ok), sync.Error);
        Assert.That(FxLines(sync).Single(), Does.StartWith("warning: no FX rate for USD:").And.Contain("on 2 days (2026-01-05..2026-01-07)"));
    }
}
