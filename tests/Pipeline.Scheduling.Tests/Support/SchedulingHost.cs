using System.Collections.Concurrent;
using DuckDB.NET.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Connectors.Streams;
using Pipeline.Etl;
using Pipeline.Etl.Alerts;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Scheduling;

namespace Pipeline.Scheduling.Tests.Support;

/// <summary>
/// The scheduler's services as <c>pipeline schedule</c> registers them, over a warehouse in a test folder and the
/// sources a test hands in, with every log event captured.
/// </summary>
internal sealed class SchedulingHost : IAsyncDisposable
{
    /// <summary>A cron that never comes due: tests fire jobs themselves unless they set one.</summary>
    public const string Never = "0 0 0 1 1 ? 2099";

    private SchedulingHost(ServiceProvider provider, PipelineOptions options, CapturingLoggerProvider logs)
    {
        Provider = provider;
        Options = options;
        Logs = logs;
    }

    public ServiceProvider Provider { get; }

    public PipelineOptions Options { get; }

    public CapturingLoggerProvider Logs { get; }

    public string WarehousePath => Options.Warehouse.DuckDb.Path;

    public static async Task<SchedulingHost> StartAsync(
        string folder, IEnumerable<ISource> sources, Action<PipelineOptions>? configure = null, TimeProvider? clock = null, WebhookRetry? webhookRetry = null,
        IDictionary<string, string?>? secrets = null)
    {
        var options = new PipelineOptions();
        options.Warehouse.DuckDb.Path = Path.Combine(folder, "warehouse.duckdb");
        options.Publish.Path = Path.Combine(folder, "marts.duckdb");
        options.Schedule.Cron[SlowSource.Name_] = Never;
        options.Schedule.BusyWait = TimeSpan.FromSeconds(5);
        configure?.Invoke(options);

        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        services.AddSingleton(options);
        services.AddSingleton<WarehouseFactory>();
        foreach (var source in sources)
        {
            services.AddSingleton(source);
        }

        services.AddSingleton<SourceCatalog>();
        services.AddSingleton(clock ?? TimeProvider.System);
        // What the CLI host registers: secret values of the configuration are scrubbed from alerts.
        services.AddSingleton<IConfigurationRoot>(new ConfigurationBuilder().AddInMemoryCollection(secrets ?? new Dictionary<string, string?>()).Build());
        services.AddPipelineScheduling(options, webhookRetry);
        var provider = services.BuildServiceProvider();

        await WarehouseTemplate.CopyToAsync(options.Warehouse.DuckDb.Path);
        return new SchedulingHost(provider, options, logs);
    }

    public T Get<T>() where T : notnull => Provider.GetRequiredService<T>();

    /// <summary>A connection to the warehouse file (shares the in-process database while a job holds it).</summary>
    public async Task<DuckDBConnection> OpenWarehouseAsync()
    {
        var connection = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = Path.GetFullPath(WarehousePath) }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync() => await Provider.DisposeAsync();
}

/// <summary>Keeps every log event (level, category, rendered message) for assertions.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly System.Diagnostics.Stopwatch started = System.Diagnostics.Stopwatch.StartNew();

    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Events { get; } = new();

    /// <summary>Every event with the seconds since the host started, for a failing test's output.</summary>
    public ConcurrentQueue<string> Timeline { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            owner.Events.Enqueue((logLevel, category, message));
            owner.Timeline.Enqueue(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{owner.started.Elapsed.TotalSeconds,7:0.000} {logLevel,-11} {category}: {message}"));
        }
    }
}
