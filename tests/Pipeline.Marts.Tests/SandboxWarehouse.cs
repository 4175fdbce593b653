using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Streams;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Sync;
using Pipeline.Sandbox;
using Pipeline.Warehouse;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Marts.Tests;

/// <summary>
/// The one way the marts tests fill a DuckDB warehouse from a running sandbox: every source wired to it, a first run
/// of <c>firstRunDays</c>, windows planned from the world's "now", and every window must succeed.
/// </summary>
internal static class SandboxWarehouse
{
    /// <summary>Reporting in EUR, Europe/Berlin, as every reference of this project computes.</summary>
    public static ReportingSettings Reporting { get; } = new() { Currency = "EUR", TimeZone = "Europe/Berlin" };

    /// <summary>Migrates a new warehouse at <paramref name="path"/>, syncs every source of <paramref name="sources"/> into it, and migrates again.</summary>
    public static async Task SyncAsync(SandboxServer sandbox, SourcesOptions sources, string path, string runName)
    {
        await using var provider = new ServiceCollection().AddSingleton(TimeProvider.System).AddLogging().AddConfiguredSources(sources).BuildServiceProvider();
        var catalog = new SourceCatalog(provider.GetServices<ISource>());
        await using var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = path, Reporting = Reporting });
        await warehouse.MigrateAsync(catalog.Streams);

        var failed = await LoadAsync(sandbox, catalog, warehouse, new SyncRequest(runName));
        Assert.That(failed, Is.Empty, "every sandbox window syncs");
        // As after every run: the mart tables catch up with what was loaded (the tests then read the tables).
        await warehouse.Marts!.RefreshAsync();
        await warehouse.MigrateAsync(catalog.Streams);
    }

    /// <summary>
    /// One sync of every source in <paramref name="catalog"/> (or those <paramref name="includeSource"/> keeps) into an
    /// open warehouse; the windows that did not succeed, described.
    /// </summary>
    public static async Task<List<string>> LoadAsync(
        SandboxServer sandbox, SourceCatalog catalog, DuckDbWarehouse warehouse, SyncRequest request, Func<string, bool>? includeSource = null)
    {
        // Windows are planned from the world's "now" (its last evening), so every account's today is the world's last day.
        var runner = new SyncRunner(warehouse, new FixedClock(sandbox.World.AsOf), NullLogger<SyncRunner>.Instance);
        var failed = new List<string>();
        foreach (var source in catalog.Sources.Where(s => includeSource?.Invoke(s.Name) ?? true))
        {
            foreach (var connection in await source.ConnectAsync(CancellationToken.None))
            {
                await using (connection)
                {
                    var summary = await runner.SyncAsync(connection, request);
                    failed.AddRange(summary.Windows.Where(w => w.Status != SyncRunStatus.Succeeded).Select(w => $"{summary.Source}.{w.Stream} {w.Window}: {w.Error}"));
                }
            }
        }

        return failed;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
