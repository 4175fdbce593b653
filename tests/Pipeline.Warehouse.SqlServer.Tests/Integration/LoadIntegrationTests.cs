using Pipeline.Connectors.Streams;
using static Pipeline.Warehouse.SqlServer.Tests.TestStreams;

namespace Pipeline.Warehouse.SqlServer.Tests.Integration;

/// <summary>The load contract of <see cref="IStagingLoader"/> on a real SQL Server (the DuckDB tests' cases, and the lock).</summary>
public sealed class LoadIntegrationTests : SqlServerTestBase
{
    private static readonly DateOnly D1 = new(2026, 3, 1);

    private const string DailySnapshot =
        "SELECT CONCAT(_account_id, '|', CONVERT(char(10), [date], 23), '|', campaign_id, '|', clicks, '|', CAST(spend AS decimal(18, 2))) FROM staging.test_ads_daily ORDER BY 1";

    private const string StateSnapshot =
        "SELECT CONCAT(source, '|', stream, '|', account_id, '|', cursor_value, '|', run_id) FROM etl.sync_state ORDER BY 1";

    [Test]
    public async Task Loading_the_same_window_twice_leaves_the_same_rows()
    {
        await using var warehouse = await OpenMigratedAsync();
        var window = new LoadWindow("acc", "run1", D1, D1.AddDays(2));
        object?[][] rows = [Day(D1, "c1", 10, 1.5m), Day(D1, "c2", 5, 0.25m), Day(D1.AddDays(1), "c1", 7, 3m)];

        var first = await warehouse.Loader.LoadWindowAsync(Daily, window, Rows(rows));
        var afterFirst = await QueryAsync<string>(DailySnapshot);
        var second = await warehouse.Loader.LoadWindowAsync(Daily, window with { RunId = "run2" }, Rows(rows));

        Assert.That((first.RowsRead, first.RowsWritten, first.RowsRejected, first.Cursor), Is.EqualTo((3L, 3L, 0L, "2026-03-03")));
        Assert.That(second.RowsWritten, Is.EqualTo(3));
        Assert.That(await QueryAsync<string>(DailySnapshot), Is.EqualTo(afterFirst));
        Assert.That(afterFirst, Has.Count.EqualTo(3));
        Assert.That(await ScalarAsync<decimal>("SELECT SUM(spend) FROM staging.test_ads_daily"), Is.EqualTo(4.75m));
    }

    [Test]
    public async Task A_window_reload_replaces_only_that_window_of_that_account()
    {
        await using var warehouse = await OpenMigratedAsync();
        var days = Enumerable.Range(0, 5).Select(D1.AddDays).ToArray();
        await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", days[0], days[4]),
            Rows([.. days.Select(d => Day(d, "c1", 1, 1m)), .. days.Select(d => Day(d, "c2", 1, 1m))]));
        await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("other", "r1", days[0], days[4]), Rows([.. days.Select(d => Day(d, "c1", 100, 100m))]));

        // Restatement: the last two days changed, and c2 disappeared from them.
        await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r2", days[3], days[4]), Rows(Day(days[3], "c1", 2, 2m), Day(days[4], "c1", 3, 3m)));

        var acc = await QueryAsync<string>(
            "SELECT CONCAT(CONVERT(char(10), [date], 23), ' ', campaign_id, ' ', clicks) FROM staging.test_ads_daily WHERE _account_id = 'acc' ORDER BY 1");
        Assert.That(acc, Is.EqualTo(new[]
        {
            "2026-03-01 c1 1", "2026-03-01 c2 1", "2026-03-02 c1 1", "2026-03-02 c2 1", "2026-03-03 c1 1", "2026-03-03 c2 1",
            "2026-03-04 c1 2", "2026-03-05 c1 3",
        }));
        Assert.That(await ScalarAsync<long>("SELECT SUM(clicks) FROM staging.test_ads_daily WHERE _account_id = 'other'"), Is.EqualTo(500));
    }

    [Test]
    public async Task Entity_streams_upsert_by_key_and_the_cursor_never_moves_back()
    {
        await using var warehouse = await OpenMigratedAsync();
        var t0 = new DateTime(2026, 3, 1, 8, 0, 0, DateTimeKind.Utc);
        await warehouse.Loader.LoadWindowAsync(Contacts, new LoadWindow("acc", "r1"), Rows(Contact("a", "lead", t0), Contact("b", "lead", t0.AddHours(1))));

        var second = await warehouse.Loader.LoadWindowAsync(Contacts, new LoadWindow("acc", "r2"),
            Rows(Contact("a", "customer", t0.AddMinutes(30), archived: true), Contact("c", "mql", t0.AddMinutes(10))));

        var rows = await QueryAsync<string>("SELECT CONCAT(id, ' ', stage, ' ', archived, ' ', _run_id) FROM staging.test_contacts ORDER BY id");
        Assert.That(rows, Is.EqualTo(new[] { "a customer 1 r2", "b lead 0 r1", "c mql 0 r2" }));
        Assert.That(second.RowsWritten, Is.EqualTo(2), "one updated, one inserted");
        Assert.That(second.Cursor, Is.EqualTo("2026-03-01T09:00:00.000000Z"), "older records do not move the cursor back");
    }

    [Test]
    public async Task Snapshot_streams_replace_the_account_s_rows()
    {
        await using var warehouse = await OpenMigratedAsync();
        await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("files", "r1"), Rows(["revenue", 100m, "v1"], ["leads", 10m, "v1"]));
        await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("other", "r1"), Rows(["revenue", 5m, "v9"]));

        var replaced = await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("files", "r2"), Rows(["revenue", 120m, "v2"]));
        var unchanged = await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("files", "r3"), Pages());

        Assert.That(await QueryAsync<string>("SELECT CONCAT(_account_id, ' ', kpi, ' ', CAST(target AS int), ' ', version) FROM staging.test_targets ORDER BY 1"),
            Is.EqualTo(new[] { "files revenue 120 v2", "other revenue 5 v9" }), "a key missing from the new snapshot is gone; other accounts stay");
        Assert.That(replaced.Cursor, Is.EqualTo("v2"));
        Assert.That((unchanged.RowsRead, unchanged.RowsWritten, unchanged.Cursor), Is.EqualTo((0L, 0L, "v2")), "no batch at all: nothing changes");

        var emptied = await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("files", "r4"), Pages(new RecordBatch([])));
        Assert.That(await ScalarAsync<int>("SELECT COUNT(*) FROM staging.test_targets WHERE _account_id = 'files'"), Is.Zero);
        Assert.That(emptied.Cursor, Is.Null);
    }

    [Test]
    public async Task Bad_records_go_to_rejected_records_with_the_DuckDB_reasons()
    {
        await using var warehouse = await OpenMigratedAsync();
        var window = new LoadWindow("acc", "r1", D1, D1.AddDays(1));
        var batch = new RecordBatch(
            [
                Day(D1, "c1", 1, 1m),
                Day(D1, "c1", 2, 2m),
                [D1, "c2", 1, 1m, 1L],
                [D1, null, 1L, 1m, 1L],
                Day(D1.AddDays(5), "c3", 1, 1m),
            ],
            [new RejectedRecord("connector could not parse", "{\"raw\":1}")]);

        var result = await warehouse.Loader.LoadWindowAsync(Daily, window, Pages(batch));

        Assert.That((result.RowsRead, result.RowsWritten, result.RowsRejected), Is.EqualTo((6L, 1L, 5L)));
        Assert.That(await ScalarAsync<long>("SELECT clicks FROM staging.test_ads_daily"), Is.EqualTo(2), "the later record of a key wins");
        var reasons = await QueryAsync<string>("SELECT reason FROM etl.rejected_records ORDER BY reason");
        Assert.That(reasons, Is.EqualTo(new[]
        {
            "'date' 2026-03-06 is outside the window 2026-03-01..2026-03-02",
            "connector could not parse",
            "duplicate primary key within one load; the later record was kept",
            "field 'clicks' is Int32, expected Int64",
            "required field 'campaign_id' is missing",
        }));
        Assert.That(await ScalarAsync<string>("SELECT payload FROM etl.rejected_records WHERE reason LIKE N'duplicate%'"),
            Is.EqualTo("{\"date\":\"2026-03-01\",\"campaign_id\":\"c1\"}"));
    }

    [Test]
    public async Task A_failure_between_bulk_copy_and_commit_leaves_staging_rejects_and_cursor_as_before()
    {
        var failNext = false;
        await using var warehouse = await OpenMigratedAsync(Options(o => new SqlServerWarehouseOptions
        {
            ConnectionString = o.ConnectionString,
            BeforeCommit = (_, _, _) => failNext ? throw new InvalidOperationException("injected failure before commit") : Task.CompletedTask,
        }));
        await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1, D1.AddDays(1)), Rows(Day(D1, "c1", 1, 1m), Day(D1.AddDays(1), "c1", 2, 2m)));
        var staging = await QueryAsync<string>(DailySnapshot);
        var state = await QueryAsync<string>(StateSnapshot);
        var rejects = await ScalarAsync<long>("SELECT COUNT_BIG(*) FROM etl.rejected_records");

        failNext = true;
        var rows = new RecordBatch(
            [Day(D1, "c1", 50, 50m), Day(D1.AddDays(2), "c9", 9, 9m), Day(D1.AddDays(3), "c1", 1, 1m)],
            [new RejectedRecord("connector could not parse", "{}")]);
        Assert.ThrowsAsync<InvalidOperationException>(() =>
            warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r2", D1, D1.AddDays(2)), Pages(rows)));

        Assert.That(await QueryAsync<string>(DailySnapshot), Is.EqualTo(staging));
        Assert.That(await QueryAsync<string>(StateSnapshot), Is.EqualTo(state));
        Assert.That(await ScalarAsync<long>("SELECT COUNT_BIG(*) FROM etl.rejected_records"), Is.EqualTo(rejects));
    }

    [Test]
    public async Task A_connector_failure_mid_stream_writes_nothing()
    {
        await using var warehouse = await OpenMigratedAsync();
        async IAsyncEnumerable<RecordBatch> FailsOnSecondPage()
        {
            await Task.Yield();
            yield return new RecordBatch([Day(D1, "c1", 1, 1m)]);
            throw new HttpRequestException("API went away");
        }

        Assert.ThrowsAsync<HttpRequestException>(() => warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1, D1), FailsOnSecondPage()));

        Assert.That(await ScalarAsync<int>("SELECT COUNT(*) FROM staging.test_ads_daily"), Is.Zero);
        Assert.That(await ScalarAsync<int>("SELECT COUNT(*) FROM etl.sync_state"), Is.Zero);
    }

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
