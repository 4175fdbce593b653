using System.Globalization;
using Dapper;
using DuckDB.NET.Data;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse.DuckDb;
using static Pipeline.Warehouse.Tests.LoaderContract.ContractStreams;

namespace Pipeline.Warehouse.Tests.LoaderContract;

/// <summary>
/// DuckDB appends a report window straight into its staging table inside the window's transaction. These cover what
/// that path adds to the contract: windows larger than a row group (122,880 rows, which DuckDB writes to the file
/// before COMMIT), the last-wins rule across them, and a staging table whose column order is not the stream's.
/// </summary>
public sealed class DuckDbReportAppendTests
{
    private const int RowGroup = 122_880;
    private static readonly DateOnly D1 = new(2026, 3, 1);

    private TempWarehouseFolder folder = null!;

    private string DbPath => folder.DbPath;

    [SetUp]
    public void CreateFolder() => folder = new TempWarehouseFolder();

    [TearDown]
    public void DeleteFolder() => folder.Dispose();

    [Test]
    public async Task A_window_of_several_row_groups_failing_at_its_end_leaves_staging_as_it_was_also_after_reopening()
    {
        await using (var warehouse = await OpenMigratedAsync(Daily))
        {
            await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1, D1.AddDays(1)), Rows(Day(D1, "c1", 1, 1m), Day(D1.AddDays(1), "c1", 2, 2m)));

            Assert.ThrowsAsync<HttpRequestException>(() => warehouse.Loader.LoadWindowAsync(
                Daily, new LoadWindow("acc", "r2", D1, D1.AddDays(59)), ManyRows(2 * RowGroup + 1000, thenFail: true)));

            Assert.That(await StagingAsync(), Is.EqualTo(new[] { "acc|r1|2026-03-01|c1|1", "acc|r1|2026-03-02|c1|2" }));
        }

        await using var reopened = await OpenMigratedAsync(Daily);
        Assert.That(await StagingAsync(), Is.EqualTo(new[] { "acc|r1|2026-03-01|c1|1", "acc|r1|2026-03-02|c1|2" }), "nothing of the failed window is in the file");
        var result = await reopened.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r3", D1, D1.AddDays(59)), ManyRows(2 * RowGroup + 1000, thenFail: false));
        Assert.That(result.RowsWritten, Is.EqualTo(2 * RowGroup + 1000), "the same window loads whole on the next run");
    }

    [Test]
    public async Task A_key_repeated_row_groups_apart_keeps_the_later_record()
    {
        await using var warehouse = await OpenMigratedAsync(Daily);

        var result = await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1, D1.AddDays(59)), ManyRows(2 * RowGroup, thenFail: false, repeatFirstAtEnd: true));

        Assert.That((result.RowsRead, result.RowsWritten, result.RowsRejected), Is.EqualTo((2L * RowGroup + 1, 2L * RowGroup, 1L)));
        await using var connection = await ConnectAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT clicks FROM staging.lc_ads_daily WHERE \"date\" = DATE '2026-03-01' AND campaign_id = 'c0'"), Is.EqualTo(999));
        Assert.That(await connection.ExecuteScalarAsync<string>("SELECT payload FROM etl.rejected_records"), Is.EqualTo("""{"date":"2026-03-01","campaign_id":"c0"}"""));
    }

    [Test]
    public async Task A_stream_whose_fields_changed_since_its_table_was_made_fills_each_column_by_name()
    {
        await using (var first = await OpenMigratedAsync(Daily))
        {
            await first.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "r1", D1, D1), Rows(Day(D1, "c1", 1, 1m)));
        }

        // "impressions" is new (the table gets it after _loaded_at) and sits mid-list; "ctr" is gone (its column stays).
        var changed = new StreamDescriptor(
            "lc",
            "ads_daily",
            StreamKind.Report,
            [
                new FieldDef("date", FieldType.Date, Nullable: false),
                new FieldDef("campaign_id", FieldType.String, Nullable: false),
                new FieldDef("impressions", FieldType.Int64),
                new FieldDef("clicks", FieldType.Int64),
                new FieldDef("spend", FieldType.Decimal),
            ],
            ["date", "campaign_id"],
            "date");
        await using var warehouse = await OpenMigratedAsync(changed);

        await warehouse.Loader.LoadWindowAsync(changed, new LoadWindow("acc", "r2", D1.AddDays(1), D1.AddDays(1)), Rows([D1.AddDays(1), "c1", 700L, 7L, 3.5m]));

        await using var connection = await ConnectAsync();
        var row = await connection.QuerySingleAsync<(long Impressions, long Clicks, decimal Spend, double? Ctr, string Run)>(
            "SELECT impressions, clicks, spend, ctr, _run_id FROM staging.lc_ads_daily WHERE \"date\" = DATE '2026-03-02'");
        Assert.That(row, Is.EqualTo((700L, 7L, 3.5m, (double?)null, "r2")));
    }

    private async Task<IWarehouseEngine> OpenMigratedAsync(StreamDescriptor daily)
    {
        var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = DbPath });
        await warehouse.MigrateAsync([daily]);
        return warehouse;
    }

    private async Task<DuckDBConnection> ConnectAsync()
    {
        var connection = new DuckDBConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        return connection;
    }

    private async Task<List<string>> StagingAsync()
    {
        await using var connection = await ConnectAsync();
        var rows = await connection.QueryAsync<(string Account, string Run, string Date, string Campaign, long Clicks)>(
            "SELECT _account_id, _run_id, \"date\"::VARCHAR, campaign_id, clicks FROM staging.lc_ads_daily ORDER BY \"date\", campaign_id");
        return [.. rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Account}|{r.Run}|{r.Date}|{r.Campaign}|{r.Clicks}"))];
    }

    /// <summary>Rows over 60 days in pages of 5,000; optionally the first key again at the end (clicks 999), or a source failure after the last page.</summary>
    private static async IAsyncEnumerable<RecordBatch> ManyRows(int count, bool thenFail, bool repeatFirstAtEnd = false)
    {
        const int perDay = 10_000;
        for (var start = 0; start < count; start += RecordBatch.MaxRows)
        {
            await Task.Yield();
            var page = Enumerable.Range(start, Math.Min(RecordBatch.MaxRows, count - start))
                .Select(n => Day(D1.AddDays(n / perDay), "c" + (n % perDay).ToString(CultureInfo.InvariantCulture), n % 7, 1m))
                .ToList();
            yield return new RecordBatch(page);
        }

        if (repeatFirstAtEnd)
        {
            yield return new RecordBatch([Day(D1, "c0", 999, 9m)]);
        }

        if (thenFail)
        {
            throw new HttpRequestException("connection reset by the source");
        }
    }
}
