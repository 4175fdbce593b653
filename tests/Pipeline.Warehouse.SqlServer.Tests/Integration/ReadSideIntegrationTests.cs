using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Cli;
using Pipeline.Etl;
using Pipeline.Etl.Alerts;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Scheduling;

namespace Pipeline.Warehouse.SqlServer.Tests.Integration;

/// <summary>
/// The read side on SQL Server: one sandbox world synced into a DuckDB file and a SQL Server database, then
/// <c>pipeline kpi</c>, <c>report</c>, <c>status</c>, <c>state reset</c>, <c>publish</c> and the scheduler's
/// alert step run against SQL Server through the engine contract and answer as on DuckDB.
/// </summary>
[Category("SqlServer")]
[NonParallelizable]
public sealed class ReadSideIntegrationTests
{
    private static readonly ReportingSettings Reporting = new() { Currency = "EUR", TimeZone = "Europe/Berlin" };

    private readonly string folder = Path.Combine(Path.GetTempPath(), "pipeline-sqlserver-readside", Guid.NewGuid().ToString("N"));
    private string server = "";
    private string database = "";

    private string ConnectionString => SqlServerTarget.WithDatabase(server, database);

    private string DuckDbPath => Path.Combine(folder, "warehouse.duckdb");

    private string DuckDbConfig => Path.Combine(folder, "duckdb.json");

    private string SqlServerConfig => Path.Combine(folder, "sqlserver.json");

    [OneTimeSetUp]
    public async Task SyncWorldIntoBothEnginesAsync()
    {
        server = await SqlServerTarget.ConnectionStringAsync();
        database = "pipeline_it_" + Guid.NewGuid().ToString("N")[..12];
        Directory.CreateDirectory(folder);
        await MartParityTests.SyncWorldAsync(folder, DuckDbPath, ConnectionString);
        WriteConfig(DuckDbConfig, new { DuckDb = new { Path = DuckDbPath } });
        WriteConfig(SqlServerConfig, new { Engine = "sqlserver", SqlServer = new { ConnectionString } });
    }

    [OneTimeTearDown]
    public async Task DropAsync()
    {
        if (server.Length > 0 && Environment.GetEnvironmentVariable("PIPELINE_TEST_SQLSERVER_KEEP") != "1")
        {
            await SqlServerTarget.DropDatabaseAsync(server, database);
        }

        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS temp cleaner
        }
    }

    [TestCase("total", "all")]
    [TestCase("week", "channel")]
    [TestCase("day", "campaign")]
    public async Task Kpi_gives_the_same_rows_on_SQL_Server_as_on_DuckDB(string grain, string by)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        string[] args = ["kpi", "--audience", "marketing", "--grain", grain, "--by", by, "--format", "csv",
            "--from", Day(today.AddDays(-40)), "--to", Day(today.AddDays(-10))];

        var duck = await RunAsync(DuckDbConfig, args);
        var sql = await RunAsync(SqlServerConfig, args);

        Assert.That((duck.Code, sql.Code), Is.EqualTo((ExitCodes.Ok, ExitCodes.Ok)), sql.Error);
        var duckLines = CsvLines(duck.Output);
        var sqlLines = CsvLines(sql.Output);
        Assert.That(duckLines, Has.Count.GreaterThan(1), "the world has values in the range");
        Assert.That(sqlLines, Has.Count.EqualTo(duckLines.Count));
        for (var i = 0; i < duckLines.Count; i++)
        {
            Assert.That(SameCsvLine(duckLines[i], sqlLines[i]), Is.True, $"DuckDB: {duckLines[i]}\nSQL Server: {sqlLines[i]}");
        }
    }

    [Test]
    public async Task Report_is_written_from_the_SQL_Server_marts()
    {
        var output = Path.Combine(folder, "sqlserver-report.html");

        var result = await RunAsync(SqlServerConfig, "report", "--period", "last-30d", "--out", output);

        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Output.Trim(), Is.EqualTo(output));
        var html = await File.ReadAllTextAsync(output);
        Assert.That(html, Does.Contain("mart.kpi_over_range").And.Contain("EUR"));
    }

    [Test]
    public async Task Status_reads_the_SQL_Server_run_log()
    {
        var result = await RunAsync(SqlServerConfig, "status");

        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Output, Does.Contain("(sqlserver)").And.Contain("ga4"));
    }

    [Test]
    public async Task Publish_says_BI_tools_read_SQL_Server_live()
    {
        var result = await RunAsync(SqlServerConfig, "publish");

        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(string.Join(' ', result.Output.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries)),
            Does.Contain("Nothing to publish on sqlserver").And.Contain("pipeline_bi_reader"));
    }

    [Test]
    public async Task State_reset_deletes_only_the_matching_stream_states_and_lists_their_cursors()
    {
        var before = await ScalarAsync<int>("SELECT COUNT(*) FROM etl.sync_state WHERE source <> N'files'");

        var result = await RunAsync(SqlServerConfig, "state", "reset", "--source", "files");

        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Output, Does.Match(@"Reset \d+ stream state\(s\) of files"));
        Assert.That(await ScalarAsync<int>("SELECT COUNT(*) FROM etl.sync_state WHERE source = N'files'"), Is.Zero);
        Assert.That(await ScalarAsync<int>("SELECT COUNT(*) FROM etl.sync_state WHERE source <> N'files'"), Is.EqualTo(before), "other sources keep their state");
        var again = await RunAsync(SqlServerConfig, "state", "reset", "--source", "files");
        Assert.That(again.Output, Does.Contain("No stream state matches files: nothing reset."));
    }

    [Test]
    public async Task The_schedulers_alert_step_keeps_its_watermark_in_etl_alert_state_and_reads_the_anomalies_DuckDB_reads()
    {
        var options = new PipelineOptions { Reporting = Reporting };
        options.Warehouse.Engine = WarehouseOptions.SqlServerEngine;
        options.Warehouse.SqlServer.ConnectionString = ConnectionString;
        var duckOptions = new PipelineOptions { Reporting = Reporting };
        duckOptions.Warehouse.DuckDb.Path = DuckDbPath;
        await using var sql = new WarehouseFactory(options, NullLoggerFactory.Instance).Open(createIfMissing: false);
        DateOnly? duckLatest;
        int duckCount;
        await using (var duck = new WarehouseFactory(duckOptions, NullLoggerFactory.Instance).Open(createIfMissing: false))
        {
            var duckFeed = new MartAnomalyFeed(duck.Reader);
            duckLatest = await duckFeed.LatestDateAsync();
            duckCount = duckLatest is { } d ? (await duckFeed.ReadAfterAsync(d.AddDays(-14))).Count : 0;
        }

        var feed = new MartAnomalyFeed(sql.Reader);
        Assert.That(await feed.LatestDateAsync(), Is.EqualTo(duckLatest));
        if (duckLatest is { } latest)
        {
            Assert.That((await feed.ReadAfterAsync(latest.AddDays(-14))).Count, Is.EqualTo(duckCount));
        }

        var sink = new RecordingSink();
        var step = new PostRunStep(options, new AnomalyCheck(sink, options.Alerts, NullLogger<AnomalyCheck>.Instance), sink, NullLogger<PostRunStep>.Instance);
        await step.RunAsync(sql, "it-run", CancellationToken.None);
        Assert.That(sink.Alerts.Where(a => a.Kind != AlertKind.Anomaly), Is.Empty, "nothing to publish is no failure");
        Assert.That(await sql.AlertState.GetAsync(AnomalyCheck.WatermarkKey), Is.EqualTo(duckLatest?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));

        await sql.AlertState.SetAsync("stale:ga4", "one");
        await sql.AlertState.SetAsync("stale:ga4", "two");
        Assert.That(await sql.AlertState.GetAsync("stale:ga4"), Is.EqualTo("two"), "an update, not a second row");
        await sql.AlertState.SetAsync("stale:ga4", null);
        Assert.That(await sql.AlertState.GetAsync("stale:ga4"), Is.Null);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Header first, then the rows in ordinal order (the engines' collations sort segments differently).</summary>
    private static List<string> CsvLines(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        return lines.Count == 0 ? lines : [lines[0], .. lines.Skip(1).Order(StringComparer.Ordinal)];
    }

    /// <summary>Fields equal as text, or as numbers within a relative 1e-9 (float vs DOUBLE arithmetic).</summary>
    private static bool SameCsvLine(string a, string b)
    {
        var left = a.Split(',');
        var right = b.Split(',');
        return left.Length == right.Length && left.Zip(right).All(p => p.First == p.Second
            || (double.TryParse(p.First, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                && double.TryParse(p.Second, NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
                && Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Max(Math.Abs(x), Math.Abs(y)))));
    }

    private void WriteConfig(string path, object warehouse) =>
        File.WriteAllText(path, JsonSerializer.Serialize(new { Warehouse = warehouse, Reporting, Logging = new { Directory = Path.Combine(folder, "logs") } }));

    private static async Task<(int Code, string Output, string Error)> RunAsync(string config, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PipelineCli.RunAsync([.. args, "--config", config], new CliEnvironment { Out = output, Error = error, LogToErrorWriter = true });
        return (code, output.ToString(), error.ToString());
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new SqlConnection(ConnectionString);
        return (await connection.ExecuteScalarAsync<T>(sql))!;
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
