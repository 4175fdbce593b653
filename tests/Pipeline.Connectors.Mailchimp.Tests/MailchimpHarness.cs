using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Conformance;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Streams;
using Pipeline.Etl.Sync;
using Pipeline.Sandbox;
using Pipeline.Sandbox.Faults;
using Pipeline.Sandbox.World;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Connectors.Mailchimp.Tests;

/// <summary>A sandbox, a fresh DuckDB warehouse, and the Mailchimp source wired the way the CLI wires it.</summary>
internal sealed class MailchimpHarness : IAsyncDisposable
{
    private readonly string folder;

    private MailchimpHarness(SandboxServer sandbox, DuckDbWarehouse warehouse, string folder, ServiceProvider services, MailchimpOptions options, ManualClock clock)
    {
        Sandbox = sandbox;
        Warehouse = warehouse;
        this.folder = folder;
        Services = services;
        Options = options;
        Source = (MailchimpSource)services.GetRequiredService<ISource>();
        Clock = clock;
    }

    public SandboxServer Sandbox { get; }

    public DuckDbWarehouse Warehouse { get; }

    public ServiceProvider Services { get; }

    public MailchimpOptions Options { get; }

    public MailchimpSource Source { get; }

    public ManualClock Clock { get; }

    public string DbPath => Path.Combine(folder, "wh.duckdb");

    public ApiCallCounter Counter(int account = 0) => Services.GetRequiredService<ApiCallCounters>().For(MailchimpSource.ClientName(Options.Accounts[account]));

    public static MailchimpOptions DefaultOptions(SandboxServer sandbox) => new()
    {
        BaseUrl = sandbox.MailchimpBaseAddress,
        PageSize = 100,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        Accounts = [new MailchimpAccountOptions { ApiKey = sandbox.Credentials.MailchimpApiKey }],
    };

    public static async Task<MailchimpHarness> StartAsync(
        WorldOptions? world = null,
        Action<MailchimpOptions, SandboxServer>? configure = null,
        FaultOptions? faults = null,
        Action<IServiceCollection, MailchimpOptions>? services = null)
    {
        var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = world ?? WorldOptions.Demo with { Days = 30 }, Faults = faults ?? FaultOptions.None });
        var options = DefaultOptions(sandbox);
        configure?.Invoke(options, sandbox);

        var clock = new ManualClock(new DateTimeOffset(sandbox.World.Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(clock);
        collection.AddMailchimpSource(options);
        services?.Invoke(collection, options);
        var provider = collection.BuildServiceProvider();

        var folder = Path.Combine(Path.GetTempPath(), "pipeline-mailchimp-tests", Guid.NewGuid().ToString("N"));
        var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = Path.Combine(folder, "wh.duckdb") });
        await warehouse.MigrateAsync(MailchimpStreams.All);
        return new MailchimpHarness(sandbox, warehouse, folder, provider, options, clock);
    }

    /// <summary>Syncs every configured account, one after the other.</summary>
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

    public async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var c = new DuckDBConnection($"Data Source={DbPath}");
        await c.OpenAsync();
        await c.ExecuteAsync(sql, args);
    }

    public async ValueTask DisposeAsync()
    {
        await Warehouse.DisposeAsync();
        await Services.DisposeAsync();
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

internal static class SummaryAssertions
{
    public static string Errors(this IEnumerable<SyncSummary> summaries) =>
        string.Join("; ", summaries.SelectMany(s => s.Windows).Where(w => w.Status != Warehouse.SyncRunStatus.Succeeded).Select(w => $"{w.Stream} {w.Window}: {w.Error}"));
}
