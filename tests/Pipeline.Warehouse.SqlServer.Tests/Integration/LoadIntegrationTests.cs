using static Pipeline.Warehouse.Tests.TestStreams;

namespace Pipeline.Warehouse.SqlServer.Tests.Integration;

/// <summary>
/// What only SQL Server's load path has: the stream's application lock between processes. The load contract itself
/// (windows, upserts, snapshots, rejects, cursors, rollback) is <see cref="SqlServerLoaderContractTests"/>.
/// </summary>
public sealed class LoadIntegrationTests : SqlServerTestBase
{
    private static readonly DateOnly D1 = new(2026, 3, 1);

    [Test]
    public async Task A_second_process_loading_the_same_stream_waits_then_fails_busy_naming_the_stream()
    {
        var holding = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var first = await OpenMigratedAsync(Options(o => new SqlServerWarehouseOptions
        {
            ConnectionString = o.ConnectionString,
            BeforeCommit = async (_, _, ct) =>
            {
                holding.TrySetResult();
                await release.Task.WaitAsync(ct);
            },
        }));
        // Another engine instance stands for another process: its own connections, a short wait for the lock.
        await using var second = Open(Options(o => new SqlServerWarehouseOptions { ConnectionString = o.ConnectionString, LockTimeout = TimeSpan.FromSeconds(1) }));
        var window = new LoadWindow("acc", "r1", D1, D1);

        var holder = first.Loader.LoadWindowAsync(Daily, window, Rows(Day(D1, "c1", 1, 1m)));
        await holding.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var started = DateTime.UtcNow;
        var busy = Assert.ThrowsAsync<WarehouseBusyException>(() => second.Loader.LoadWindowAsync(Daily, window with { RunId = "r2" }, Rows(Day(D1, "c1", 2, 2m))));
        var waited = DateTime.UtcNow - started;
        release.SetResult();
        await holder;

        Assert.That(busy!.Message, Does.Contain("test.ads_daily").And.Contain("account acc"));
        Assert.That(waited, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(0.9)), "it waited for the lock before giving up");
        Assert.That(await ScalarAsync<long>("SELECT clicks FROM staging.test_ads_daily"), Is.EqualTo(1), "the holder's rows committed; the loser wrote nothing");

        var retried = await second.Loader.LoadWindowAsync(Daily, window with { RunId = "r3" }, Rows(Day(D1, "c1", 3, 3m)));
        Assert.That(retried.RowsWritten, Is.EqualTo(1), "once the lock is free the load goes through");
        Assert.That(await ScalarAsync<long>("SELECT clicks FROM staging.test_ads_daily"), Is.EqualTo(3));
    }
}
