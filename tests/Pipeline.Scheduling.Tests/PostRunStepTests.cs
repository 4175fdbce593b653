using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Streams;
using Pipeline.Etl;
using Pipeline.Etl.Alerts;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Scheduling;
using Pipeline.Scheduling.Tests.Support;
using Pipeline.Warehouse;

namespace Pipeline.Scheduling.Tests;

/// <summary>
/// The scheduler's step after a run reaches publishing and alert state only through the engine contract: a fake engine
/// shows what it asks of any engine, a DuckDB warehouse that its own tables answer.
/// </summary>
public sealed class PostRunStepTests : TestFolder
{
    [Test]
    public async Task An_engine_with_a_publisher_is_published_and_its_anomalies_alerted_once_with_the_watermark_in_its_alert_state()
    {
        var publisher = new RecordingPublisher();
        await using var engine = new FakeEngine(new BiAccess("a copy", publisher));
        engine.Anomalies.Add(Anomaly(new DateOnly(2026, 3, 4)));
        engine.Anomalies.Add(Anomaly(new DateOnly(2026, 3, 5)));
        var sink = new RecordingSink();
        var step = Step(sink, Path.Combine(Folder, "bi.duckdb"));

        await step.RunAsync(engine, "run-1", CancellationToken.None);
        await step.RunAsync(engine, "run-2", CancellationToken.None);

        Assert.That(publisher.Published, Is.EqualTo(new[] { (Path.Combine(Folder, "bi.duckdb"), "run-1"), (Path.Combine(Folder, "bi.duckdb"), "run-2") }));
        Assert.That(sink.Alerts.Select(a => a.Title), Is.EqualTo(new[] { "1 new KPI anomaly on 2026-03-05" }), "the first check reports the newest day, the second nothing new");
        Assert.That(await engine.AlertState.GetAsync(AnomalyCheck.WatermarkKey), Is.EqualTo("2026-03-05"));
        Assert.That(engine.Queries, Has.Some.Contains("FROM mart.kpi_anomalies"), "anomalies are read through the engine's reader");
    }

    [Test]
    public async Task An_engine_read_live_by_BI_publishes_nothing_and_still_alerts()
    {
        await using var engine = new FakeEngine(new BiAccess("live through a role"));
        engine.Anomalies.Add(Anomaly(new DateOnly(2026, 3, 5)));
        var sink = new RecordingSink();

        await Step(sink, Path.Combine(Folder, "bi.duckdb")).RunAsync(engine, "run-1", CancellationToken.None);

        Assert.That(sink.Alerts.Select(a => a.Kind), Is.EqualTo(new[] { AlertKind.Anomaly }), "no publish failure, one anomaly alert");
        Assert.That(File.Exists(Path.Combine(Folder, "bi.duckdb")), Is.False);
        Assert.That(await engine.AlertState.GetAsync(AnomalyCheck.WatermarkKey), Is.EqualTo("2026-03-05"));
    }

    [Test]
    public async Task A_DuckDB_warehouse_keeps_alert_state_in_its_table_and_reads_its_empty_anomaly_mart()
    {
        var path = Path.Combine(Folder, "warehouse.duckdb");
        await WarehouseTemplate.CopyToAsync(path);
        var options = new PipelineOptions();
        options.Warehouse.DuckDb.Path = path;
        await using (var warehouse = new WarehouseFactory(options, NullLoggerFactory.Instance).Open())
        {
            await warehouse.AlertState.SetAsync("stale:ga4", "2026-03-01T06:00:00");
            await warehouse.AlertState.SetAsync("stale:ga4", "2026-03-02T06:00:00");
            await warehouse.AlertState.SetAsync("stale:meta", "never");
            await warehouse.AlertState.SetAsync("stale:meta", null);
            var feed = new MartAnomalyFeed(warehouse.Reader);
            Assert.That(await feed.LatestDateAsync(), Is.Null, "no data, no anomalies");
            Assert.That(await feed.ReadAfterAsync(new DateOnly(2026, 1, 1)), Is.Empty);
            Assert.That(warehouse.Bi.Publisher, Is.Not.Null, "DuckDB's BI tools read a published copy");
        }

        await using var reopened = new WarehouseFactory(options, NullLoggerFactory.Instance).Open();
        Assert.That(await reopened.AlertState.GetAsync("stale:ga4"), Is.EqualTo("2026-03-02T06:00:00"), "kept in the file across processes");
        Assert.That(await reopened.AlertState.GetAsync("stale:meta"), Is.Null, "null removed the key");
    }

    private static PostRunStep Step(RecordingSink sink, string publishPath)
    {
        var options = new PipelineOptions();
        options.Publish.Path = publishPath;
        return new PostRunStep(options, new AnomalyCheck(sink, options.Alerts, NullLogger<AnomalyCheck>.Instance), sink, NullLogger<PostRunStep>.Instance);
    }

    private static KpiAnomalyRow Anomaly(DateOnly date) => new(date, "channel", "Email", "ctr", "CTR", "Ratio", 0.5, 0.2, 0.1, 0.3, 4.2, "up", "watch");

    /// <summary>A row of <c>mart.kpi_anomalies</c> in the column order of <see cref="MartQueries.AnomaliesAfter"/>.</summary>
    private sealed record KpiAnomalyRow(
        DateOnly Date, string SegmentType, string Segment, string KpiId, string KpiName, string Unit,
        double Value, double Median, double Lower, double Upper, double RobustZ, string Direction, string Assessment)
    {
        public SqlRow ToRow() => new([Date, SegmentType, Segment, KpiId, KpiName, Unit, Value, (decimal)Median, Lower, Upper, (decimal)RobustZ, Direction, Assessment]);
    }

    /// <summary>
    /// An engine with no database: its reader answers the anomaly queries from a list (and remembers every query),
    /// its alert state is a dictionary.
    /// </summary>
    private sealed class FakeEngine(BiAccess bi) : IWarehouseEngine, IWarehouseReader, IAlertState
    {
        private readonly Dictionary<string, string> state = new(StringComparer.Ordinal);

        public List<KpiAnomalyRow> Anomalies { get; } = [];

        public List<string> Queries { get; } = [];

        public string Name => "fake";

        public string Location => "memory";

        public IStagingLoader Loader => throw new NotSupportedException("the post-run step loads nothing");

        public IRunLog RunLog => throw new NotSupportedException("the post-run step keeps no run log");

        public IWarehouseReader Reader => this;

        public IAlertState AlertState => this;

        public BiAccess Bi => bi;

        public SqlDialect Dialect => Pipeline.Warehouse.DuckDb.DuckDbDialect.Instance;

        public Task<MigrationReport> MigrateAsync(IReadOnlyCollection<StreamDescriptor> streams, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<WarehouseStatus> ReadStatusAsync(int recentRuns = 20, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public Task<IntegrityReport> CheckAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<string?> ReadFailedCheckAsync(CancellationToken cancellationToken = default) => Task.FromResult<string?>(null);

        public Task<BackupResult> BackupAsync(string folder, int keep, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<SqlRow>> QueryAsync(string sql, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken cancellationToken = default)
        {
            Queries.Add(sql);
            IReadOnlyList<SqlRow> rows = sql == MartQueries.LatestAnomalyDate
                ? [new SqlRow([Anomalies.Count == 0 ? null : Anomalies.Max(a => a.Date)])]
                : sql == MartQueries.AnomaliesAfter(Dialect)
                    ? Anomalies.Where(a => a.Date > (DateOnly)parameters!["after"]!).Select(a => a.ToRow()).ToList()
                    : throw new NotSupportedException("not a query of the post-run step: " + sql);
            return Task.FromResult(rows);
        }

        public Task<string?> GetAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(state.GetValueOrDefault(key));

        public Task SetAsync(string key, string? value, CancellationToken cancellationToken = default)
        {
            if (value is null)
            {
                state.Remove(key);
            }
            else
            {
                state[key] = value;
            }

            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class RecordingPublisher : IMartPublisher
    {
        public List<(string Path, string RunId)> Published { get; } = [];

        public Task<PublishResult> PublishAsync(string targetPath, string runId, CancellationToken cancellationToken = default)
        {
            Published.Add((targetPath, runId));
            return Task.FromResult(new PublishResult(targetPath, 1, 1, TimeSpan.Zero));
        }
    }

    private sealed class RecordingSink : IAlertSink
    {
        public List<Alert> Alerts { get; } = [];

        public Task SendAsync(Alert alert, CancellationToken cancellationToken = default)
        {
            Alerts.Add(alert);
            return Task.CompletedTask;
        }
    }
}
