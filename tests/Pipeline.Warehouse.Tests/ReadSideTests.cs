using Dapper;
using DuckDB.NET.Data;

namespace Pipeline.Warehouse.Tests;

/// <summary>DuckDB's read-side capabilities reached through the engine contract: state reset and alert state.</summary>
public sealed class ReadSideTests : WarehouseTestBase
{
    [Test]
    public async Task State_reset_deletes_the_matching_states_in_one_go_and_returns_their_cursors()
    {
        await using IWarehouseEngine warehouse = await OpenMigratedAsync();
        await using (var connection = new DuckDBConnection($"Data Source={DbPath}"))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync(
                """
                INSERT INTO etl.sync_state VALUES
                    ('ga4', 'traffic_daily', '111', '2026-03-01', now()::TIMESTAMP, 'r1'),
                    ('ga4', 'users_daily', '111', NULL, now()::TIMESTAMP, 'r1'),
                    ('ga4', 'traffic_daily', '222', '2026-03-02', now()::TIMESTAMP, 'r1'),
                    ('meta', 'campaigns', '111', '2026-03-01T00:00:00', now()::TIMESTAMP, 'r1');
                """);
        }

        var one = await warehouse.RunLog.ResetStateAsync("ga4", "traffic_daily", "222");
        var rest = await warehouse.RunLog.ResetStateAsync("ga4", null, null);
        var none = await warehouse.RunLog.ResetStateAsync("hubspot", null, null);

        Assert.That(one, Is.EqualTo(new[] { new ResetStreamState("traffic_daily", "222", "2026-03-02") }));
        Assert.That(rest, Is.EqualTo(new[] { new ResetStreamState("traffic_daily", "111", "2026-03-01"), new ResetStreamState("users_daily", "111", null) }));
        Assert.That(none, Is.Empty);
        Assert.That(await QueryAsync<string>("SELECT source || '.' || stream FROM etl.sync_state"), Is.EqualTo(new[] { "meta.campaigns" }));
    }

    [Test]
    public async Task Alert_state_is_set_replaced_and_removed_in_etl_alert_state()
    {
        await using IWarehouseEngine warehouse = await OpenMigratedAsync();

        await warehouse.AlertState.SetAsync("stale:ga4", "one");
        await warehouse.AlertState.SetAsync("stale:ga4", "two");
        await warehouse.AlertState.SetAsync("stale:meta", "x");
        await warehouse.AlertState.SetAsync("stale:meta", null);

        Assert.That(await warehouse.AlertState.GetAsync("stale:ga4"), Is.EqualTo("two"));
        Assert.That(await warehouse.AlertState.GetAsync("stale:meta"), Is.Null);
        Assert.That(await QueryAsync<string>("SELECT key || '=' || value FROM etl.alert_state"), Is.EqualTo(new[] { "stale:ga4=two" }));
    }
}
