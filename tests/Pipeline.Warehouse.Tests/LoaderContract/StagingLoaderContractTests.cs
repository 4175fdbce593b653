using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Pipeline.Connectors.Privacy;
using Pipeline.Connectors.Streams;
using static Pipeline.Warehouse.Tests.LoaderContract.ContractStreams;

namespace Pipeline.Warehouse.Tests.LoaderContract;

/// <summary>
/// The load contract of <see cref="IStagingLoader"/>, written once and run against every engine: a subclass per engine
/// opens a fresh migrated warehouse and a connection to read it back. Queries here are plain SQL both dialects accept;
/// rows are rendered and sorted in C# so neither the engines' text conversions nor their collations differ.
/// </summary>
public abstract class StagingLoaderContractTests
{
    private static readonly DateOnly D1 = new(2026, 3, 1);
    private static readonly DateTime T0 = new(2026, 3, 1, 8, 0, 0, DateTimeKind.Utc);

    private const string DailyRows = "SELECT _account_id, \"date\", campaign_id, clicks, spend FROM staging.lc_ads_daily";
    private const string StateRows = "SELECT source, stream, account_id, cursor_value, run_id FROM etl.sync_state";

    /// <summary>A fresh warehouse of this engine, migrated for <see cref="ContractStreams.All"/>.</summary>
    /// <param name="beforeCommit">The engine's hook run inside the load transaction just before it commits.</param>
    protected abstract Task<IWarehouseEngine> OpenMigratedAsync(Func<StreamDescriptor, LoadWindow, CancellationToken, Task>? beforeCommit = null);

    /// <summary>An open connection of its own to the same warehouse, for reading it back.</summary>
    protected abstract Task<DbConnection> ConnectAsync();

    [Test]
    public async Task Loading_the_same_report_window_twice_leaves_the_same_rows()
    {
        await using var warehouse = await OpenMigratedAsync();
        var window = new LoadWindow("acc", "run1", D1, D1.AddDays(2));
        object?[][] rows = [Day(D1, "c1", 10, 1.5m), Day(D1, "c2", 5, 0.25m), Day(D1.AddDays(1), "c1", 7, 3m)];

        var first = await warehouse.Loader.LoadWindowAsync(Daily, window, Rows(rows));
        var afterFirst = await RowsAsync(DailyRows);
        var second = await warehouse.Loader.LoadWindowAsync(Daily, window with { RunId = "run2" }, Rows(rows));

        Assert.That((first.RowsRead, first.RowsWritten, first.RowsRejected, first.Cursor), Is.EqualTo((3L, 3L, 0L, "2026-03-03")));
        Assert.That(second.RowsWritten, Is.EqualTo(3));
        Assert.That(await RowsAsync(DailyRows), Is.EqualTo(afterFirst));
        Assert.That(afterFirst, Is.EqualTo(new[] { "acc|2026-03-01|c1|10|1.5", "acc|2026-03-01|c2|5|0.25", "acc|2026-03-02|c1|7|3" }));
    }

    [Test]
    public async Task A_restated_report_window_replaces_only_that_window_of_that_account()
    {
        await using var warehouse = await OpenMigratedAsync();
        var days = Enumerable.Range(0, 5).Select(D1.AddDays).ToArray();
        await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", days[0], days[4]),
            Rows([.. days.Select(d => Day(d, "c1", 1, 1m)), .. days.Select(d => Day(d, "c2", 1, 1m))]));
        await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("other", "r1", days[0], days[4]), Rows([.. days.Select(d => Day(d, "c1", 100, 100m))]));

        // Restatement: the last two days changed, and c2 disappeared from them.
        await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r2", days[3], days[4]), Rows(Day(days[3], "c1", 2, 2m), Day(days[4], "c1", 3, 3m)));

        Assert.That(await RowsAsync("SELECT \"date\", campaign_id, clicks FROM staging.lc_ads_daily WHERE _account_id = 'acc'"), Is.EqualTo(new[]
        {
            "2026-03-01|c1|1", "2026-03-01|c2|1", "2026-03-02|c1|1", "2026-03-02|c2|1", "2026-03-03|c1|1", "2026-03-03|c2|1",
            "2026-03-04|c1|2", "2026-03-05|c1|3",
        }));
        Assert.That(await RowsAsync("SELECT SUM(clicks) FROM staging.lc_ads_daily WHERE _account_id = 'other'"), Is.EqualTo(new[] { "500" }));
    }

    [Test]
    public async Task Entity_streams_upsert_by_key()
    {
        await using var warehouse = await OpenMigratedAsync();
        await warehouse.Loader.LoadWindowAsync(Contacts, new LoadWindow("portal", "r1"), Rows(Contact("a", "lead", T0), Contact("b", "lead", T0.AddHours(1))));

        var second = await warehouse.Loader.LoadWindowAsync(Contacts, new LoadWindow("portal", "r2"),
            Rows(Contact("a", "customer", T0.AddHours(5), archived: true), Contact("c", "mql", T0.AddHours(2))));
        await warehouse.Loader.LoadWindowAsync(Contacts, new LoadWindow("other", "r3"), Rows(Contact("a", "other-portal", T0)));

        Assert.That(second.RowsWritten, Is.EqualTo(2), "one updated, one inserted");
        Assert.That(await RowsAsync("SELECT _account_id, id, stage, archived, updated_at, _run_id FROM staging.lc_contacts"), Is.EqualTo(new[]
        {
            "other|a|other-portal|false|2026-03-01T08:00:00|r3",
            "portal|a|customer|true|2026-03-01T13:00:00|r2",
            "portal|b|lead|false|2026-03-01T09:00:00|r1",
            "portal|c|mql|false|2026-03-01T10:00:00|r2",
        }));
    }

    [Test]
    public async Task Snapshot_streams_replace_the_accounts_rows_and_a_read_with_no_batch_changes_nothing()
    {
        await using var warehouse = await OpenMigratedAsync();
        await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("acc", "r1"), Rows(Target("cac", 50m, "v1"), Target("roas", 3m, "v1"), Target("nps", 40m, "v1")));
        await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("other", "r1"), Rows(Target("cac", 70m, "v1")));

        var replaced = await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("acc", "r2"), Rows(Target("cac", 45m, "v2"), Target("roas", 3m, "v2")));
        Assert.That(await RowsAsync("SELECT _account_id, kpi, target, version FROM staging.lc_targets"),
            Is.EqualTo(new[] { "acc|cac|45|v2", "acc|roas|3|v2", "other|cac|70|v1" }), "nps left the snapshot, so it left staging; the other account is untouched");

        var unchanged = await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("acc", "r3"), Pages());
        Assert.That((replaced.Cursor, unchanged.RowsRead, unchanged.RowsWritten, unchanged.Cursor), Is.EqualTo(("v2", 0L, 0L, "v2")));
        Assert.That(await CountAsync("staging.lc_targets WHERE _account_id = 'acc'"), Is.EqualTo(2));
    }

    [Test]
    public async Task Bad_rows_are_kept_with_their_reason_and_good_rows_still_load()
    {
        await using var warehouse = await OpenMigratedAsync();
        var page1 = new RecordBatch(
            [
                Day(D1, "c1", 1, 1m),
                [D1, "c2", "12", 1m, 0.5],                 // clicks arrived as text
                [D1, "c5", 12, 1m, 0.5],                   // clicks arrived as Int32
                [D1, null, 1L, 1m, 0.5],                   // key missing
                Day(D1.AddDays(5), "c3", 1, 1m),            // outside the window
                [D1, "c4", 1L],                             // short row
            ],
            [new RejectedRecord("spend '1,5' is not a number", """{"spend":"1,5"}""")]);

        var result = await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1, D1.AddDays(1)), Pages(page1));

        Assert.That((result.RowsRead, result.RowsWritten, result.RowsRejected), Is.EqualTo((7L, 1L, 6L)));
        Assert.That(await RowsAsync(DailyRows), Is.EqualTo(new[] { "acc|2026-03-01|c1|1|1" }));
        Assert.That(await RowsAsync("SELECT run_id, source, stream, account_id, reason FROM etl.rejected_records"), Is.EqualTo(new[]
        {
            "r1|lc|ads_daily|acc|'date' 2026-03-06 is outside the window 2026-03-01..2026-03-02",
            "r1|lc|ads_daily|acc|field 'clicks' is Int32, expected Int64",
            "r1|lc|ads_daily|acc|field 'clicks' is String, expected Int64",
            "r1|lc|ads_daily|acc|required field 'campaign_id' is missing",
            "r1|lc|ads_daily|acc|row has 3 values, stream has 5 fields",
            "r1|lc|ads_daily|acc|spend '1,5' is not a number",
        }));
        Assert.That(await RowsAsync("SELECT payload FROM etl.rejected_records WHERE reason LIKE '%String%'"),
            Is.EqualTo(new[] { """{"date":"2026-03-01","campaign_id":"c2","clicks":"12","spend":1,"ctr":0.5}""" }), "the row is kept as JSON by field name");
    }

    [Test]
    public async Task Duplicate_keys_in_one_load_keep_the_later_record_and_reject_the_earlier()
    {
        await using var warehouse = await OpenMigratedAsync();
        var page1 = new RecordBatch([Day(D1, "c1", 1, 1m), Day(D1, "c2", 2, 2m)]);
        var page2 = new RecordBatch([Day(D1, "c1", 99, 9m)]);

        var result = await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1, D1), Pages(page1, page2));

        Assert.That((result.RowsRead, result.RowsWritten, result.RowsRejected), Is.EqualTo((3L, 2L, 1L)));
        Assert.That(await RowsAsync(DailyRows), Is.EqualTo(new[] { "acc|2026-03-01|c1|99|9", "acc|2026-03-01|c2|2|2" }));
        Assert.That(await RowsAsync("SELECT reason, payload FROM etl.rejected_records"),
            Is.EqualTo(new[] { """duplicate primary key within one load; the later record was kept|{"date":"2026-03-01","campaign_id":"c1"}""" }));
    }

    [Test]
    public async Task A_report_cursor_is_the_window_end_and_a_backfill_of_older_days_keeps_the_later_one()
    {
        await using var warehouse = await OpenMigratedAsync();
        var recent = await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1.AddDays(10), D1.AddDays(12)), Rows(Day(D1.AddDays(10), "c1", 1, 1m)));
        var backfill = await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r2", D1, D1.AddDays(2)), Rows(Day(D1, "c1", 1, 1m)));

        Assert.That((recent.Cursor, backfill.Cursor), Is.EqualTo(("2026-03-13", "2026-03-13")));
        Assert.That(await RowsAsync(StateRows), Is.EqualTo(new[] { "lc|ads_daily|acc|2026-03-13|r2" }));
        Assert.That(await CountAsync("staging.lc_ads_daily"), Is.EqualTo(2));
    }

    [Test]
    public async Task An_entity_cursor_is_the_max_seen_never_moves_back_and_stays_when_the_load_has_no_rows()
    {
        await using var warehouse = await OpenMigratedAsync();
        var first = await warehouse.Loader.LoadWindowAsync(Contacts, new LoadWindow("portal", "r1"), Rows(Contact("a", "lead", T0), Contact("b", "lead", T0.AddHours(1))));
        var second = await warehouse.Loader.LoadWindowAsync(Contacts, new LoadWindow("portal", "r2"), Rows(Contact("b", "customer", T0.AddHours(5))));
        var late = await warehouse.Loader.LoadWindowAsync(Contacts, new LoadWindow("portal", "r3"), Rows(Contact("a", "mql", T0.AddHours(3))));
        var empty = await warehouse.Loader.LoadWindowAsync(Contacts, new LoadWindow("portal", "r4"), Pages(new RecordBatch([])));

        Assert.That(first.Cursor, Is.EqualTo("2026-03-01T09:00:00.000000Z"));
        Assert.That(second.Cursor, Is.EqualTo("2026-03-01T13:00:00.000000Z"));
        Assert.That(late.Cursor, Is.EqualTo(second.Cursor), "an older record does not rewind the cursor");
        Assert.That(empty.Cursor, Is.EqualTo(second.Cursor), "a load with no rows keeps the cursor");
        Assert.That(await warehouse.RunLog.GetCursorAsync("lc", "contacts", "portal"), Is.EqualTo(second.Cursor));
    }

    [Test]
    public async Task A_numeric_entity_cursor_is_ordered_as_a_number()
    {
        await using var warehouse = await OpenMigratedAsync();
        await warehouse.Loader.LoadWindowAsync(Events, new LoadWindow("acc", "r1"), Rows(["a", 9L]));
        var bigger = await warehouse.Loader.LoadWindowAsync(Events, new LoadWindow("acc", "r2"), Rows(["b", 10L]));
        var smaller = await warehouse.Loader.LoadWindowAsync(Events, new LoadWindow("acc", "r3"), Rows(["c", 8L]));

        Assert.That((bigger.Cursor, smaller.Cursor), Is.EqualTo(("10", "10")), "as text \"9\" would beat \"10\"");
    }

    [Test]
    public async Task An_empty_snapshot_forgets_the_cursor_and_the_accounts_rows()
    {
        await using var warehouse = await OpenMigratedAsync();
        await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("acc", "r1"), Rows(Target("cac", 50m, "v7")));
        var lower = await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("acc", "r2"), Rows(Target("cac", 50m, "v3")));

        var emptied = await warehouse.Loader.LoadWindowAsync(Targets, new LoadWindow("acc", "r3"), Pages(new RecordBatch([])));

        Assert.That(lower.Cursor, Is.EqualTo("v3"), "a snapshot's cursor is its own, even when lower");
        Assert.That(emptied.Cursor, Is.Null, "the next read starts over");
        Assert.That(await warehouse.RunLog.GetCursorAsync("lc", "targets", "acc"), Is.Null);
        Assert.That(await CountAsync("staging.lc_targets"), Is.Zero);
    }

    [Test]
    public async Task A_failure_just_before_commit_leaves_staging_rejects_and_cursor_as_they_were()
    {
        var failNext = false;
        await using var warehouse = await OpenMigratedAsync((_, _, _) => failNext ? throw new InvalidOperationException("injected failure before commit") : Task.CompletedTask);
        await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1, D1.AddDays(1)), Rows(Day(D1, "c1", 1, 1m), Day(D1.AddDays(1), "c1", 2, 2m)));
        var staging = await RowsAsync(DailyRows);
        var rejects = await CountAsync("etl.rejected_records");

        failNext = true;
        var rows = new RecordBatch(
            [Day(D1, "c1", 50, 50m), Day(D1, "c1", 51, 51m), Day(D1.AddDays(2), "c9", 9, 9m), Day(D1.AddDays(3), "c1", 1, 1m)],
            [new RejectedRecord("connector could not parse", "{}")]);
        Assert.ThrowsAsync<InvalidOperationException>(() => warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r2", D1, D1.AddDays(2)), Pages(rows)));

        Assert.That(await RowsAsync(DailyRows), Is.EqualTo(staging));
        Assert.That(await RowsAsync(StateRows), Is.EqualTo(new[] { "lc|ads_daily|acc|2026-03-02|r1" }));
        Assert.That(await CountAsync("etl.rejected_records"), Is.EqualTo(rejects));
    }

    [Test]
    public async Task A_source_failing_mid_window_leaves_the_warehouse_as_it_was()
    {
        await using var warehouse = await OpenMigratedAsync();
        await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1, D1), Rows(Day(D1, "c1", 1, 1m)));
        var staging = await RowsAsync(DailyRows);

        Assert.ThrowsAsync<HttpRequestException>(() => warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r2", D1, D1), FailingAfterOnePage()));

        Assert.That(await RowsAsync(DailyRows), Is.EqualTo(staging));
        Assert.That(await RowsAsync(StateRows), Is.EqualTo(new[] { "lc|ads_daily|acc|2026-03-01|r1" }));
        Assert.That(await CountAsync("etl.rejected_records"), Is.Zero, "the failed page's reject was not kept");
    }

    [Test]
    public async Task Cancellation_during_the_read_commits_nothing()
    {
        await using var warehouse = await OpenMigratedAsync();
        using var cts = new CancellationTokenSource();

        Assert.That(
            async () => await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1, D1), CancelAfterFirstPage(cts), cts.Token),
            Throws.InstanceOf<OperationCanceledException>());

        Assert.That(await CountAsync("staging.lc_ads_daily"), Is.Zero);
        Assert.That(await CountAsync("etl.sync_state"), Is.Zero);
    }

    [Test]
    public async Task Addresses_in_rejects_are_hashed_and_non_finite_numbers_kept_as_text()
    {
        await using var warehouse = await OpenMigratedAsync();
        const string address = "Jane.Doe@example.com";
        var hashed = EmailAddresses.HashPrefix + EmailAddresses.Sha256(address);
        var batch = new RecordBatch(
            [[D1, null, 1L, 1m, double.NaN], [D1, address, 1L, 1m, double.PositiveInfinity, "extra"]],
            [new RejectedRecord($"bad member {address}", $$"""{"email":"{{address}}"}""")]);

        await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1, D1), Pages(batch));

        var kept = await RowsAsync("SELECT reason, payload FROM etl.rejected_records");
        Assert.That(kept, Is.EqualTo(new[]
        {
            $$"""bad member {{hashed}}|{"email":"{{hashed}}"}""",
            """required field 'campaign_id' is missing|{"date":"2026-03-01","campaign_id":null,"clicks":1,"spend":1,"ctr":"NaN"}""",
            $$"""row has 6 values, stream has 5 fields|{"date":"2026-03-01","campaign_id":"{{hashed}}","clicks":1,"spend":1,"ctr":"Infinity","_extra_5":"extra"}""",
        }.Order(StringComparer.Ordinal)));
        Assert.That(string.Join("\n", kept), Does.Not.Contain("@"));
    }

    [Test]
    public async Task Thousands_of_rows_over_many_pages_stream_through_without_loss()
    {
        await using var warehouse = await OpenMigratedAsync();
        var from = new DateOnly(2025, 1, 1);

        var result = await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", from, from.AddDays(49)), ManyPages(from, pages: 50, perPage: 1000));

        Assert.That((result.RowsRead, result.RowsWritten, result.RowsRejected), Is.EqualTo((50_000L, 50_000L, 0L)));
        Assert.That(await RowsAsync("SELECT SUM(clicks), COUNT(DISTINCT \"date\") FROM staging.lc_ads_daily"),
            Is.EqualTo(new[] { $"{Enumerable.Range(0, 50_000).Sum(i => (long)(i % 7))}|50" }));
    }

    [Test]
    public async Task A_load_needs_an_account_and_run_and_a_report_window_must_be_ordered()
    {
        await using var warehouse = await OpenMigratedAsync();

        Assert.ThrowsAsync<LoadRejectedException>(() => warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1.AddDays(1), D1), Rows()));
        Assert.ThrowsAsync<LoadRejectedException>(() => warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1"), Rows()));
        Assert.ThrowsAsync<LoadRejectedException>(() => warehouse.Loader.LoadWindowAsync(Contacts, new LoadWindow(" ", "r1"), Rows()));
        Assert.That(await CountAsync("etl.sync_state"), Is.Zero);
    }

    /// <summary>Every row of the query as <c>a|b|c</c> (see <see cref="Render"/>), sorted ordinally.</summary>
    protected async Task<List<string>> RowsAsync(string sql)
    {
        await using var connection = await ConnectAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => Render(reader.GetValue(i)))));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }

    protected async Task<long> CountAsync(string from) =>
        long.Parse((await RowsAsync("SELECT COUNT(*) FROM " + from)).Single(), CultureInfo.InvariantCulture);

    /// <summary>A value as the same text on every engine: dates ISO, decimals without trailing zeros, booleans lower-case.</summary>
    private static string Render(object? value) => value switch
    {
        null or DBNull => "null",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t when t.TimeOfDay == TimeSpan.Zero && t.Kind != DateTimeKind.Utc => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture),
        decimal m => m.ToString("0.#########", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static async IAsyncEnumerable<RecordBatch> FailingAfterOnePage()
    {
        await Task.Yield();
        yield return new RecordBatch([Day(D1, "c1", 42, 42m)], [new RejectedRecord("connector could not parse", "{}")]);
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
                rows[i] = Day(from.AddDays(p), "c" + i.ToString(CultureInfo.InvariantCulture), n % 7, 1m);
            }

            yield return new RecordBatch(rows);
        }
    }
}
