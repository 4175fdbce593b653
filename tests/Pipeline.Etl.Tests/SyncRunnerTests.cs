using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Etl.Sync;
using Pipeline.Warehouse;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Etl.Tests;

public sealed class SyncRunnerTests
{
    private string folder = "";
    private DuckDbWarehouse warehouse = null!;
    private ManualClock clock = null!;

    private string DbPath => Path.Combine(folder, "wh.duckdb");

    [SetUp]
    public async Task SetUp()
    {
        folder = Path.Combine(Path.GetTempPath(), "pipeline-etl-tests", Guid.NewGuid().ToString("N"));
        warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = DbPath });
        await warehouse.MigrateAsync([FakeSource.Daily, FakeSource.Items]);
        clock = new ManualClock(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
    }

    [TearDown]
    public async Task TearDown()
    {
        await warehouse.DisposeAsync();
        Directory.Delete(folder, recursive: true);
    }

    [Test]
    public async Task First_run_backfills_in_chunks_then_the_next_day_rereads_only_the_lookback()
    {
        var source = new FakeSource();
        var runner = new SyncRunner(warehouse, clock, NullLogger<SyncRunner>.Instance);

        var first = await runner.SyncAsync(source, new SyncRequest("r1"));
        Assert.That(first.Succeeded, Is.True);
        Assert.That(source.DailyRequests.Select(r => $"{r.From:MM-dd}..{r.To:MM-dd}"), Is.EqualTo(new[] { "03-01..03-04", "03-05..03-08", "03-09..03-10" }));

        clock.Advance(TimeSpan.FromDays(1));
        source.DailyRequests.Clear();
        source.ValueOf = d => d.Day * 100; // restatement: every day's value changed at the source
        await runner.SyncAsync(source, new SyncRequest("r2"));

        Assert.That(source.DailyRequests.Select(r => $"{r.From:MM-dd}..{r.To:MM-dd}"), Is.EqualTo(new[] { "03-09..03-11" }));
        var rows = await Query<string>("SELECT strftime(date, '%m-%d') || '=' || value FROM staging.fake_daily ORDER BY date");
        Assert.That(rows, Has.Count.EqualTo(11), "one row per day, nothing duplicated");
        Assert.That(rows.Take(8), Has.All.Not.Contain("00"), "days outside the lookback keep their first values");
        Assert.That(rows.Skip(8), Is.EqualTo(new[] { "03-09=900", "03-10=1000", "03-11=1100" }));
    }

    [Test]
    public async Task A_first_run_asks_where_the_account_data_starts_once_keeps_it_and_plans_from_it()
    {
        var source = new StartingSource(new DateOnly(2026, 3, 6));
        var runner = new SyncRunner(warehouse, clock, NullLogger<SyncRunner>.Instance);

        var first = await runner.SyncAsync(source, new SyncRequest("r1"));

        Assert.That(source.DailyRequests.Select(r => $"{r.From:MM-dd}..{r.To:MM-dd}"), Is.EqualTo(new[] { "03-06..03-09", "03-10..03-10" }));
        Assert.That(first.Skipped.Single(), Is.EqualTo(new SkippedWindows("daily", 2, new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 5), new DateOnly(2026, 3, 6))));
        Assert.That(await warehouse.AlertState.GetAsync("data_start:fake:acc-1"), Is.EqualTo("2026-03-06"));

        await warehouse.RunLog.ResetStateAsync("fake", "daily", null);
        source.DailyRequests.Clear();
        await runner.SyncAsync(source, new SyncRequest("r2"));
        Assert.That(source.Asked, Is.EqualTo(1), "kept in the warehouse: not asked again");
        Assert.That(source.DailyRequests.First().From, Is.EqualTo(new DateOnly(2026, 3, 6)));
    }

    /// <summary>A fake account that states where its data starts and counts how often it is asked.</summary>
    private sealed class StartingSource(DateOnly start) : Connectors.Streams.ISourceConnection, Connectors.Streams.IAccountDataStart
    {
        private readonly FakeSource inner = new();

        public int Asked { get; private set; }

        public List<(DateOnly From, DateOnly To)> DailyRequests => inner.DailyRequests;

        public string Source => inner.Source;

        public string AccountId => inner.AccountId;

        public TimeZoneInfo TimeZone => inner.TimeZone;

        public IReadOnlyList<Connectors.Streams.IStreamReader> Streams => inner.Streams;

        public long ApiCalls => inner.ApiCalls;

        public Task<DateOnly?> GetDataStartAsync(CancellationToken cancellationToken = default)
        {
            Asked++;
            return Task.FromResult<DateOnly?>(start);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    [Test]
    public async Task Today_is_the_account_time_zone_day()
    {
        // 12:00 UTC on 10 March is already 11 March in Kiribati (UTC+14).
        var source = new FakeSource(TimeZoneInfo.FindSystemTimeZoneById("Pacific/Kiritimati"));
        await new SyncRunner(warehouse, clock, NullLogger<SyncRunner>.Instance).SyncAsync(source, new SyncRequest("r1"));

        Assert.That(source.DailyRequests.Last().To, Is.EqualTo(new DateOnly(2026, 3, 11)));
    }

    [Test]
    public async Task A_failing_window_is_recorded_keeps_the_cursor_and_the_next_run_resumes_there()
    {
        var source = new FakeSource { FailDailyOn = new HttpRequestException("503 from source") };
        var runner = new SyncRunner(warehouse, clock, NullLogger<SyncRunner>.Instance);

        var failed = await runner.SyncAsync(source, new SyncRequest("r1"));

        Assert.That(failed.Succeeded, Is.False);
        Assert.That(failed.Windows.Single(w => w.Stream == "daily").Error, Is.EqualTo("503 from source"));
        Assert.That(failed.Windows.Single(w => w.Stream == "items").Status, Is.EqualTo(SyncRunStatus.Succeeded), "other streams still run");
        Assert.That(await warehouse.RunLog.GetCursorAsync("fake", "daily", "acc-1"), Is.Null);
        var runs = await Query<string>("SELECT stream || ' ' || status || ' ' || coalesce(error, '') || ' ' || api_calls FROM etl.sync_runs ORDER BY stream");
        Assert.That(runs, Is.EqualTo(new[] { "daily Failed 503 from source 4", "items Succeeded  1" }));

        source.FailDailyOn = null;
        source.DailyRequests.Clear();
        var retried = await runner.SyncAsync(source, new SyncRequest("r2"));

        Assert.That(retried.Succeeded, Is.True);
        Assert.That(source.DailyRequests.First().From, Is.EqualTo(new DateOnly(2026, 3, 1)));
        Assert.That(await Scalar<long>("SELECT count(*) FROM staging.fake_daily"), Is.EqualTo(10));
    }

    [Test]
    public async Task Entity_streams_read_from_the_committed_cursor()
    {
        var source = new FakeSource();
        var t = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        source.Items_.AddRange([("a", t), ("b", t.AddHours(2))]);
        var runner = new SyncRunner(warehouse, clock, NullLogger<SyncRunner>.Instance);
        await runner.SyncAsync(source, new SyncRequest("r1") { Streams = new HashSet<string> { "items" } });
        source.Items_.Add(("c", t.AddHours(5)));
        await runner.SyncAsync(source, new SyncRequest("r2") { Streams = new HashSet<string> { "items" } });

        Assert.That(source.ItemCursors, Is.EqualTo(new[] { null, "2026-03-01T02:00:00.000000Z" }));
        Assert.That(source.DailyRequests, Is.Empty, "only the requested stream ran");
        Assert.That(await Scalar<long>("SELECT count(*) FROM staging.fake_items"), Is.EqualTo(3));
    }

    [Test]
    public async Task Cancellation_rolls_back_the_window_and_records_it()
    {
        var source = new FakeSource();
        using var cts = new CancellationTokenSource();
        source.ValueOf = d =>
        {
            if (d.Day == 6)
            {
                cts.Cancel();
            }

            return d.Day;
        };

        Assert.That(async () => await new SyncRunner(warehouse, clock, NullLogger<SyncRunner>.Instance).SyncAsync(source, new SyncRequest("r1"), cts.Token),
            Throws.InstanceOf<OperationCanceledException>());

        Assert.That(await Query<string>("SELECT strftime(date, '%d') FROM staging.fake_daily ORDER BY 1"), Is.EqualTo(new[] { "01", "02", "03", "04" }), "the first chunk committed, the second rolled back");
        Assert.That(await Query<string>("SELECT status FROM etl.sync_runs ORDER BY started_at, window_from"), Is.EqualTo(new[] { "Succeeded", "Cancelled" }), string.Join(",", await Query<string>("SELECT status || window_from FROM etl.sync_runs")));
        Assert.That(await warehouse.RunLog.GetCursorAsync("fake", "daily", "acc-1"), Is.EqualTo("2026-03-04"));
    }

    private async Task<List<T>> Query<T>(string sql)
    {
        await using var c = new DuckDBConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        return (await c.QueryAsync<T>(sql)).ToList();
    }

    private async Task<T> Scalar<T>(string sql)
    {
        await using var c = new DuckDBConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        return (await c.ExecuteScalarAsync<T>(sql))!;
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset now = now;

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}
