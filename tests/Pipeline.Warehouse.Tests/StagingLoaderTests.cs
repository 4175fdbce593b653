using System.Runtime.CompilerServices;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse.DuckDb;
using static Pipeline.Warehouse.Tests.TestStreams;

namespace Pipeline.Warehouse.Tests;

public sealed class StagingLoaderTests : WarehouseTestBase
{
    private static readonly DateOnly D1 = new(2026, 3, 1);

    private const string DailySnapshot =
        "SELECT _account_id || '|' || date || '|' || campaign_id || '|' || clicks || '|' || spend FROM staging.test_ads_daily ORDER BY 1";

    private const string StateSnapshot =
        "SELECT source || '|' || stream || '|' || account_id || '|' || cursor_value || '|' || run_id FROM etl.sync_state ORDER BY 1";

    [Test]
    public async Task Loading_the_same_window_twice_leaves_the_same_rows()
    {
        await using var warehouse = await OpenMigratedAsync();
        var window = new LoadWindow("acc", "run1", D1, D1.AddDays(2));
        object?[][] rows = [Day(D1, "c1", 10, 1.5m), Day(D1, "c2", 5, 0.25m), Day(D1.AddDays(1), "c1", 7, 3m)];

        var first = await warehouse.Loader.LoadWindowAsync(Daily, window, Rows(rows));
        var afterFirst = await QueryAsync<string>(DailySnapshot);
        var second = await warehouse.Loader.LoadWindowAsync(Daily, window with { RunId = "run2" }, Rows(rows));

        Assert.That(first.RowsWritten, Is.EqualTo(3));
        Assert.That(second.RowsWritten, Is.EqualTo(3));
        Assert.That(await QueryAsync<string>(DailySnapshot), Is.EqualTo(afterFirst));
        Assert.That(afterFirst, Has.Count.EqualTo(3));
        Assert.That(await ScalarAsync<decimal>("SELECT sum(spend) FROM staging.test_ads_daily"), Is.EqualTo(4.75m));
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

        var acc = await QueryAsync<string>("SELECT date || ' ' || campaign_id || ' ' || clicks FROM staging.test_ads_daily WHERE _account_id = 'acc' ORDER BY 1");
        Assert.That(acc, Is.EqualTo(new[]
        {
            "2026-03-01 c1 1", "2026-03-01 c2 1", "2026-03-02 c1 1", "2026-03-02 c2 1", "2026-03-03 c1 1", "2026-03-03 c2 1",
            "2026-03-04 c1 2", "2026-03-05 c1 3",
        }));
        Assert.That(await ScalarAsync<long>("SELECT sum(clicks)::BIGINT FROM staging.test_ads_daily WHERE _account_id = 'other'"), Is.EqualTo(500));
    }

    [Test]
    public async Task A_failure_between_bulk_append_and_commit_leaves_staging_rejects_and_cursor_as_before()
    {
        var failNext = false;
        var options = new DuckDbWarehouseOptions
        {
            Path = DbPath,
            BeforeCommit = (_, _, _) => failNext ? throw new InvalidOperationException("injected failure before commit") : Task.CompletedTask,
        };
        await using var warehouse = await OpenMigratedAsync(options);
        await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1, D1.AddDays(1)), Rows(Day(D1, "c1", 1, 1m), Day(D1.AddDays(1), "c1", 2, 2m)));
        var staging = await QueryAsync<string>(DailySnapshot);
        var state = await QueryAsync<string>(StateSnapshot);
        var rejects = await ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records");

        failNext = true;
        var rows = new RecordBatch(
            [Day(D1, "c1", 50, 50m), Day(D1.AddDays(2), "c9", 9, 9m), Day(D1.AddDays(3), "c1", 1, 1m)],
            [new RejectedRecord("connector could not parse", "{}")]);
        Assert.ThrowsAsync<InvalidOperationException>(() =>
            warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r2", D1, D1.AddDays(2)), Pages(rows)));

        Assert.That(await QueryAsync<string>(DailySnapshot), Is.EqualTo(staging));
        Assert.That(await QueryAsync<string>(StateSnapshot), Is.EqualTo(state));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM etl.rejected_records"), Is.EqualTo(rejects));
        Assert.That(state, Is.EqualTo(new[] { "test|ads_daily|acc|2026-03-02|r1" }));
    }

    [Test]
    public async Task A_source_that_fails_mid_stream_leaves_the_warehouse_as_it_was()
    {
        await using var warehouse = await OpenMigratedAsync();
        await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1, D1), Rows(Day(D1, "c1", 1, 1m)));
        var staging = await QueryAsync<string>(DailySnapshot);

        Assert.ThrowsAsync<HttpRequestException>(() =>
            warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r2", D1, D1), FailingAfterOnePage()));

        Assert.That(await QueryAsync<string>(DailySnapshot), Is.EqualTo(staging));
        Assert.That(await QueryAsync<string>(StateSnapshot), Is.EqualTo(new[] { "test|ads_daily|acc|2026-03-01|r1" }));
    }

    [Test]
    public async Task Cancellation_during_the_read_commits_nothing()
    {
        await using var warehouse = await OpenMigratedAsync();
        using var cts = new CancellationTokenSource();

        Assert.That(
            async () => await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1, D1), CancelAfterFirstPage(cts), cts.Token),
            Throws.InstanceOf<OperationCanceledException>());

        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM staging.test_ads_daily"), Is.Zero);
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM etl.sync_state"), Is.Zero);
    }

    [Test]
    public async Task Bad_rows_are_kept_with_their_reason_and_good_rows_still_load()
    {
        await using var warehouse = await OpenMigratedAsync();
        var window = new LoadWindow("acc", "r1", D1, D1.AddDays(1));
        var page1 = new RecordBatch(
            [
                Day(D1, "c1", 1, 1m),
                [D1, "c2", "12", 1m, 1L],                 // clicks arrived as text
                [D1, null, 1L, 1m, 1L],                   // key missing
                Day(D1.AddDays(5), "c3", 1, 1m),           // outside the window
                [D1, "c4", 1L],                            // short row
            ],
            [new RejectedRecord("spend '1,5' is not a number", """{"spend":"1,5"}""")]);
        var page2 = new RecordBatch([Day(D1, "c1", 99, 9m), Day(D1.AddDays(1), "c1", 2, 2m)]); // c1/D1 again: later wins

        var result = await warehouse.Loader.LoadWindowAsync(Daily, window, Pages(page1, page2));

        Assert.That(result.RowsRead, Is.EqualTo(8));
        Assert.That(result.RowsWritten, Is.EqualTo(2));
        Assert.That(result.RowsRejected, Is.EqualTo(6));
        Assert.That(await QueryAsync<string>(DailySnapshot), Is.EqualTo(new[] { "acc|2026-03-01|c1|99|9.000000000", "acc|2026-03-02|c1|2|2.000000000" }));
        var reasons = await QueryAsync<string>("SELECT reason FROM etl.rejected_records WHERE run_id = 'r1' AND stream = 'ads_daily' AND account_id = 'acc' ORDER BY reason");
        Assert.That(reasons, Has.Count.EqualTo(6));
        Assert.That(reasons, Has.Some.Contains("'clicks' is String, expected Int64"));
        Assert.That(reasons, Has.Some.Contains("required field 'campaign_id' is missing"));
        Assert.That(reasons, Has.Some.Contains("outside the window"));
        Assert.That(reasons, Has.Some.Contains("row has 3 values"));
        Assert.That(reasons, Has.Some.Contains("spend '1,5' is not a number"));
        Assert.That(reasons, Has.Some.Contains("duplicate primary key"));
        var duplicatePayload = await ScalarAsync<string>("SELECT payload FROM etl.rejected_records WHERE reason LIKE 'duplicate%'");
        Assert.That(duplicatePayload, Is.EqualTo("""{"date":"2026-03-01","campaign_id":"c1"}"""));
        var textPayload = await ScalarAsync<string>("SELECT payload FROM etl.rejected_records WHERE reason LIKE '%clicks%'");
        Assert.That(textPayload, Does.Contain("\"clicks\":\"12\""));
    }

    [Test]
    public async Task Entity_streams_upsert_by_key_and_the_cursor_never_moves_backwards()
    {
        await using var warehouse = await OpenMigratedAsync();
        var t0 = new DateTime(2026, 3, 1, 8, 0, 0, DateTimeKind.Utc);
        var first = await warehouse.Loader.LoadWindowAsync(Contacts, new LoadWindow("portal", "r1"),
            Rows(Contact("a", "lead", t0), Contact("b", "lead", t0.AddHours(1))));
        var second = await warehouse.Loader.LoadWindowAsync(Contacts, new LoadWindow("portal", "r2"),
            Rows(Contact("b", "customer", t0.AddHours(5)), Contact("c", "lead", t0.AddHours(2), archived: true)));
        var late = await warehouse.Loader.LoadWindowAsync(Contacts, new LoadWindow("portal", "r3"), Rows(Contact("a", "mql", t0.AddHours(3))));

        Assert.That(first.Cursor, Is.EqualTo("2026-03-01T09:00:00.000000Z"));
        Assert.That(second.Cursor, Is.EqualTo("2026-03-01T13:00:00.000000Z"));
        Assert.That(late.Cursor, Is.EqualTo(second.Cursor), "an older record does not rewind the cursor");
        Assert.That(await warehouse.RunLog.GetCursorAsync("test", "contacts", "portal"), Is.EqualTo(second.Cursor));
        var rows = await QueryAsync<string>("SELECT id || ' ' || stage || ' ' || archived || ' ' || _run_id FROM staging.test_contacts ORDER BY id");
        Assert.That(rows, Is.EqualTo(new[] { "a mql false r3", "b customer false r2", "c lead true r2" }));
    }

    [Test]
    public async Task Snapshot_streams_replace_the_accounts_rows_and_a_read_with_no_batch_changes_nothing()
    {
        await using var warehouse = await OpenMigratedAsync();
        object?[] T(string kpi, decimal target, string version) => [kpi, target, version];
        await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("acc", "r1"), Rows(T("cac", 50m, "v1"), T("roas", 3m, "v1"), T("nps", 40m, "v1")));
        await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("other", "r1"), Rows(T("cac", 70m, "v1")));

        var replaced = await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("acc", "r2"), Rows(T("cac", 45m, "v2"), T("roas", 3m, "v2")));
        Assert.That(replaced.Cursor, Is.EqualTo("v2"));
        Assert.That(await QueryAsync<string>("SELECT _account_id || ' ' || kpi || ' ' || target::DOUBLE FROM staging.test_targets ORDER BY 1"),
            Is.EqualTo(new[] { "acc cac 45.0", "acc roas 3.0", "other cac 70.0" }), "nps left the file, so it left staging; the other account is untouched");

        var unchanged = await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("acc", "r3"), Pages());
        Assert.That((unchanged.RowsRead, unchanged.RowsWritten, unchanged.Cursor), Is.EqualTo((0L, 0L, "v2")));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM staging.test_targets WHERE _account_id = 'acc'"), Is.EqualTo(2));

        var emptied = await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("acc", "r4"), Pages(new RecordBatch([])));
        Assert.That(emptied.Cursor, Is.Null, "an empty snapshot forgets the cursor so the next read starts over");
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM staging.test_targets WHERE _account_id = 'acc'"), Is.Zero);
    }

    [Test]
    public async Task A_report_backfill_of_older_days_keeps_the_later_cursor()
    {
        await using var warehouse = await OpenMigratedAsync();
        await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1.AddDays(10), D1.AddDays(12)), Rows(Day(D1.AddDays(10), "c1", 1, 1m)));
        var backfill = await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r2", D1, D1.AddDays(2)), Rows(Day(D1, "c1", 1, 1m)));

        Assert.That(backfill.Cursor, Is.EqualTo("2026-03-13"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM staging.test_ads_daily"), Is.EqualTo(2));
    }

    [Test]
    public async Task Many_pages_stream_through_without_loss()
    {
        await using var warehouse = await OpenMigratedAsync();
        var from = new DateOnly(2025, 1, 1);
        var result = await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", from, from.AddDays(99)), ManyPages(from, pages: 100, perPage: 1000));

        Assert.That(result.RowsWritten, Is.EqualTo(100_000));
        Assert.That(await ScalarAsync<long>("SELECT sum(clicks)::BIGINT FROM staging.test_ads_daily"), Is.EqualTo(Enumerable.Range(0, 100_000).Sum(i => (long)(i % 7))));
    }

    [Test]
    public void A_report_window_must_be_ordered()
    {
        Assert.ThrowsAsync<LoadRejectedException>(async () =>
        {
            await using var warehouse = await OpenMigratedAsync();
            await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1.AddDays(1), D1), Rows());
        });
    }

    private static async IAsyncEnumerable<RecordBatch> FailingAfterOnePage()
    {
        await Task.Yield();
        yield return new RecordBatch([Day(D1, "c1", 42, 42m)]);
        throw new HttpRequestException("connection reset by the source");
    }

    private static async IAsyncEnumerable<RecordBatch> CancelAfterFirstPage(CancellationTokenSource cts, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await Task.Yield();
        yield return new RecordBatch([Day(D1, "c1", 1, 1m)]);
        await cts.CancelAsync();
        ct.ThrowIfCancellationRequested();
        yield return new RecordBatch([Day(D1, "c2", 1, 1m)]);
    }

    private static async IAsyncEnumerable<RecordBatch> ManyPages(DateOnly from, int pages, int perPage)
    {
        for (var p = 0; p < pages; p++)
        {
            await Task.Yield();
            var rows = new object?[perPage][];
            for (var i = 0; i < perPage; i++)
            {
                var n = (p * perPage) + i;
                rows[i] = Day(from.AddDays(p), "c" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), n % 7, 1m);
            }

            yield return new RecordBatch(rows);
        }
    }
}
