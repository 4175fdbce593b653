using System.Text;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Streams;
using Pipeline.Etl.Sync;
using Pipeline.Warehouse;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Connectors.Files.Tests;

/// <summary>A temp folder of CSV files, a fresh DuckDB warehouse, and the files source wired the way the CLI wires it.</summary>
internal sealed class FilesHarness : IAsyncDisposable
{
    private readonly string root;

    private FilesHarness(string root, DuckDbWarehouse warehouse, ServiceProvider services, FilesOptions options, ListLoggerProvider logs)
    {
        this.root = root;
        Warehouse = warehouse;
        Services = services;
        Options = options;
        Logs = logs;
        Source = (FilesSource)services.GetRequiredService<ISource>();
    }

    public static readonly UTF8Encoding Utf8NoBom = new(false);

    public DuckDbWarehouse Warehouse { get; }

    public ServiceProvider Services { get; }

    public FilesOptions Options { get; }

    public FilesSource Source { get; }

    public ListLoggerProvider Logs { get; }

    public ManualClock Clock { get; } = new(new DateTimeOffset(2025, 3, 15, 12, 0, 0, TimeSpan.Zero));

    public string Folder => Options.Folder!;

    public string DbPath => Path.Combine(root, "wh.duckdb");

    public static async Task<FilesHarness> StartAsync(Action<FilesOptions>? configure = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "pipeline-files-tests", Guid.NewGuid().ToString("N"));
        var folder = Path.Combine(root, "in");
        Directory.CreateDirectory(folder);
        var options = new FilesOptions { Folder = folder };
        configure?.Invoke(options);
        var logs = new ListLoggerProvider();
        var collection = new ServiceCollection();
        collection.AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        collection.AddFilesSource(options);
        var provider = collection.BuildServiceProvider();
        var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = Path.Combine(root, "wh.duckdb") });
        await warehouse.MigrateAsync(FilesStreams.All);
        return new FilesHarness(root, warehouse, provider, options, logs);
    }

    /// <summary>Writes a file into the folder as UTF-8 (lines joined with <paramref name="newline"/>, a trailing one added).</summary>
    public string WriteWithNewline(string name, string newline, params string[] lines) =>
        WriteBytes(name, Utf8NoBom.GetBytes(string.Join(newline, lines) + newline));

    public string Write(string name, params string[] lines) => WriteWithNewline(name, "\n", lines);

    public string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public async Task<IReadOnlyList<SyncSummary>> SyncAsync(string runId, SyncRequest? request = null)
    {
        var summaries = new List<SyncSummary>();
        foreach (var connection in await Source.ConnectAsync())
        {
            await using (connection)
            {
                summaries.Add(await new SyncRunner(Warehouse, Clock, NullLogger<SyncRunner>.Instance).SyncAsync(connection, request ?? new SyncRequest(runId)));
            }
        }

        return summaries;
    }

    /// <summary>Syncs and fails the test when any stream failed.</summary>
    public async Task<SyncSummary> SyncOkAsync(string runId)
    {
        var summaries = await SyncAsync(runId);
        Assert.That(summaries, Has.Count.EqualTo(1));
        Assert.That(summaries[0].Errors(), Is.Empty);
        return summaries[0];
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var c = new DuckDBConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        return (await c.QueryAsync<T>(sql, args)).ToList();
    }

    public async Task<List<dynamic>> QueryAsync(string sql, object? args = null)
    {
        await using var c = new DuckDBConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        return (await c.QueryAsync(sql, args)).ToList();
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = new DuckDBConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        return (await c.ExecuteScalarAsync<T>(sql, args))!;
    }

    public Task<List<string>> RejectReasonsAsync(string stream) =>
        QueryAsync<string>("SELECT reason FROM etl.rejected_records WHERE source = 'files' AND stream = $stream ORDER BY id", new { stream });

    public async ValueTask DisposeAsync()
    {
        await Warehouse.DisposeAsync();
        await Services.DisposeAsync();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // temp folder; the OS cleans it
        }
    }
}

internal static class SummaryAssertions
{
    public static string Errors(this SyncSummary summary) =>
        string.Join("; ", summary.Windows.Where(w => w.Status != SyncRunStatus.Succeeded).Select(w => $"{w.Stream} {w.Window}: {w.Error}"));

    public static WindowOutcome Window(this SyncSummary summary, string stream) => summary.Windows.Single(w => w.Stream == stream);
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>Keeps every log message, for assertions.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    private readonly List<string> messages = [];

    public IReadOnlyList<string> Messages
    {
        get
        {
            lock (messages)
            {
                return [.. messages];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new ListLogger(this);

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner.messages)
            {
                owner.messages.Add(formatter(state, exception));
            }
        }
    }
}
