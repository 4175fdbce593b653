using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Streams;
using Pipeline.Etl.Sync;
using Pipeline.Sandbox;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Connectors.Conformance;

/// <summary>
/// One connector wired as the CLI wires it, against a sandbox, with a fresh DuckDB warehouse and a clock that
/// the test moves. Syncs go through the real <see cref="SyncRunner"/> and staging loader.
/// </summary>
public sealed class ConformanceHarness : IAsyncDisposable
{
    private readonly ServiceProvider services;
    private readonly string folder;

    private ConformanceHarness(SandboxServer sandbox, ServiceProvider services, ManualClock clock, DuckDbWarehouse warehouse, string folder)
    {
        Sandbox = sandbox;
        this.services = services;
        Clock = clock;
        Warehouse = warehouse;
        this.folder = folder;
        Source = services.GetServices<ISource>().Single();
    }

    public SandboxServer Sandbox { get; }

    public ISource Source { get; }

    public ManualClock Clock { get; }

    public DuckDbWarehouse Warehouse { get; }

    public string DbPath => Path.Combine(folder, "warehouse.duckdb");

    /// <summary>
    /// Starts a sandbox, registers one source with <paramref name="addSource"/>, opens a fresh warehouse migrated
    /// for the source's streams, and sets the clock to <paramref name="now"/> (default: noon UTC on the world's last day).
    /// </summary>
    public static async Task<ConformanceHarness> StartAsync(
        SandboxOptions sandboxOptions,
        Action<IServiceCollection, SandboxServer> addSource,
        Func<Sandbox.World.SandboxWorld, DateTimeOffset>? now = null,
        Action<IServiceCollection>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(addSource);
        var sandbox = await SandboxServer.StartAsync(sandboxOptions);
        var clock = new ManualClock(now?.Invoke(sandbox.World) ?? new DateTimeOffset(sandbox.World.Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(clock);
        configure?.Invoke(collection);
        addSource(collection, sandbox);
        var services = collection.BuildServiceProvider();
        var folder = Path.Combine(Path.GetTempPath(), "pipeline-conformance", Guid.NewGuid().ToString("N"));
        var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = Path.Combine(folder, "warehouse.duckdb") });
        var harness = new ConformanceHarness(sandbox, services, clock, warehouse, folder);
        await warehouse.MigrateAsync(harness.Source.Streams);
        return harness;
    }

    public async Task<IReadOnlyList<SyncSummary>> SyncAsync(string runId, CancellationToken cancellationToken = default) =>
        await SyncAsync(new SyncRequest(runId), cancellationToken);

    /// <param name="afterConnect">Runs once every connection is open, before the first stream is read (e.g. to force a fault mid-run).</param>
    public async Task<IReadOnlyList<SyncSummary>> SyncAsync(SyncRequest request, CancellationToken cancellationToken = default, Action? afterConnect = null)
    {
        var runner = new SyncRunner(Warehouse, Clock, NullLogger<SyncRunner>.Instance);
        var summaries = new List<SyncSummary>();
        var connections = await Source.ConnectAsync(cancellationToken);
        afterConnect?.Invoke();
        foreach (var connection in connections)
        {
            await using (connection)
            {
                summaries.Add(await runner.SyncAsync(connection, request, cancellationToken));
            }
        }

        return summaries;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var c = new DuckDBConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        return (await c.QueryAsync<T>(sql, args)).ToList();
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = new DuckDBConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        return (await c.ExecuteScalarAsync<T>(sql, args))!;
    }

    /// <summary>Changes the warehouse behind the connector's back (seeding state for a scenario).</summary>
    public async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var c = new DuckDBConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        await c.ExecuteAsync(sql, args);
    }

    public async ValueTask DisposeAsync()
    {
        await Warehouse.DisposeAsync();
        await services.DisposeAsync();
        await Sandbox.DisposeAsync();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // temp folder; the OS cleans it
        }
    }
}

/// <summary>A clock the test moves by hand (the sync's "today" comes from it).</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset now = now;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}

/// <summary>A total in staging that must equal the sandbox's ground truth.</summary>
/// <param name="Name">What is compared, for the failure message.</param>
/// <param name="Sql">A query over staging returning one number.</param>
/// <param name="Expected">The sandbox world's true value.</param>
public sealed record TruthCheck(string Name, string Sql, decimal Expected);
