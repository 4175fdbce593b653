using DuckDB.NET.Data;

namespace Pipeline.Cli.Tests;

/// <summary>
/// <c>pipeline kpi roi cac cpl --by channel</c> on a warehouse where a paid channel (Paid Search) has won revenue but
/// no cost source (no Google Ads cost, nothing in the cost files), while Meta spend gives Paid Social one: the Paid
/// Search cells say "cost unknown" (the marts' NULL and reason), never an empty cell, −100 % or infinity.
/// </summary>
public sealed class CostUnknownTests : CliTestBase
{
    [Test]
    public async Task A_paid_channel_without_cost_source_shows_cost_unknown_by_channel()
    {
        var migrate = await RunWithConfigAsync("migrate");
        Assert.That(migrate.ExitCode, Is.EqualTo(ExitCodes.Ok), migrate.Error);
        await using (var connection = new DuckDBConnection($"Data Source={WarehousePath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText =
                """
                INSERT INTO staging.hubspot_deals (id, pipeline, dealstage, createdate, closedate, hs_is_closed, hs_is_closed_won, amount,
                    deal_currency_code, hs_analytics_source, archived, _account_id, _run_id, _loaded_at) VALUES
                  ('d1', 'default', 'closedwon', TIMESTAMP '2026-01-02 10:00:00', TIMESTAMP '2026-01-05 10:00:00', true, true, 5000, 'EUR', 'PAID_SEARCH', false, 'portal', 'test', now());
                INSERT INTO staging.meta_insights_daily (date_start, date_stop, account_id, account_currency, campaign_id, campaign_name, adset_id, ad_id,
                    impressions, inline_link_clicks, spend, reach_unavailable, _account_id, _run_id, _loaded_at) VALUES
                  ('2026-01-05', '2026-01-05', 'act_1', 'EUR', 'c1', 'winter_sale', 's1', 'a1', 1000, 10, 20.00, false, 'act_1', 'test', now());
                """;
            await command.ExecuteNonQueryAsync();
            // Rows written straight into staging: no sync, so no refresh; the mart tables are rebuilt as `pipeline marts rebuild` would.
            await MartTables.RebuildAsync(connection);
        }

        var result = await RunWithConfigAsync("kpi", "roi", "cac", "cpl", "--by", "channel", "--from", "2026-01-01", "--to", "2026-01-31", "--layout", "wide");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        var row = result.Out.Split('\n').Single(l => l.Contains("│ Paid Search", StringComparison.Ordinal));
        var cells = row.Split('│', StringSplitOptions.TrimEntries)[3..^1];
        // ROI and CAC have revenue and a new customer under them; CPL has no lead here, so nothing was measured (blank).
        Assert.That(cells, Is.EqualTo(new[] { "cost unknown", "cost unknown", "" }), row);
        Assert.That(result.Out, Does.Contain("cost unknown: no cost source for Paid Search"), "the legend gives the marts' reason");
    }
}
