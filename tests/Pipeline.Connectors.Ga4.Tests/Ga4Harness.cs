using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Streams;
using Pipeline.Etl.Sync;
using Pipeline.Sandbox;
using Pipeline.Sandbox.Faults;
using Pipeline.Sandbox.World;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Connectors.Ga4.Tests;

/// <summary>A sandbox, a fresh DuckDB warehouse, and the GA4 source wired the way the CLI wires it.</summary>
internal sealed class Ga4Harness : IAsyncDisposable
{
    private readonly string folder;
    private readonly ServiceProvider services;

    private Ga4Harness(SandboxServer sandbox, DuckDbWarehouse warehouse, string folder, ServiceProvider services, Ga4Source source, ManualClock clock)
    {
        Sandbox = sandbox;
        Warehouse = warehouse;
        this.folder = folder;
        this.services = services;
        Source = source;
        Clock = clock;
    }

    public SandboxServer Sandbox { get; }

    public DuckDbWarehouse Warehouse { get; }

    public Ga4Source Source { get; }

    public ManualClock Clock { get; }

    public string DbPath => Path.Combine(folder, "wh.duckdb");

    public static async Task<Ga4Harness> StartAsync(WorldOptions? world = null, Action<Ga4Options, SandboxServer>? configure = null, FaultOptions? faults = null)
    {
        var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = world ?? WorldOptions.Demo with { Days = 30 }, Faults = faults ?? FaultOptions.None });
        var options = new Ga4Options
        {
            BaseUrl = sandbox.Ga4BaseAddress,
            TokenUrl = sandbox.GoogleTokenUri,
            Properties =
            [
                new Ga4PropertyOptions
                {
                    PropertyId = sandbox.Credentials.Ga4PropertyId,
                    ServiceAccountKeyJson = sandbox.Credentials.GoogleServiceAccountKeyJson,
                    FirstRunDays = sandbox.World.Options.Days,
                    ChunkDays = 10,
                    PageSize = 500,
                },
            ],
        };
        configure?.Invoke(options, sandbox);

        // Noon in the property's zone on the world's last day: "today" for the sync is the world's end.
        var clock = new ManualClock(new DateTimeOffset(sandbox.World.Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.FromHours(1)));
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(clock);
        collection.AddGa4Source(options);
        var provider = collection.BuildServiceProvider();
        var source = (Ga4Source)provider.GetRequiredService<ISource>();

        var folder = Path.Combine(Path.GetTempPath(), "pipeline-ga4-tests", Guid.NewGuid().ToString("N"));
        var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = Path.Combine(folder, "wh.duckdb") });
        await warehouse.MigrateAsync(source.Streams);
        return new Ga4Harness(sandbox, warehouse, folder, provider, source, clock);
    }

    public async Task<SyncSummary> SyncAsync(string runId, SyncRequest? request = null)
    {
        var connection = (await Source.ConnectAsync()).Single();
        await using (connection)
        {
            return await new SyncRunner(Warehouse, Clock, NullLogger<SyncRunner>.Instance).SyncAsync(connection, request ?? new SyncRequest(runId));
        }
    }

    public async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var c = new DuckDBConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        return (await c.QueryAsync<T>(sql)).ToList();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var c = new DuckDBConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        return (await c.ExecuteScalarAsync<T>(sql))!;
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

internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    private DateTimeOffset now = now;

    public override DateTimeOffset GetUtcNow() => now;

    public void Advance(TimeSpan by) => now += by;
}
