using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Streams;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Sync;
using Pipeline.Warehouse;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Reliability.Tests.Infrastructure;

/// <summary>What one in-process sync did: every window's outcome and the sources that could not connect.</summary>
internal sealed record SyncOutcome(IReadOnlyList<SyncSummary> Summaries, IReadOnlyList<string> ConnectErrors)
{
    public IReadOnlyList<string> Failures =>
        [.. ConnectErrors, .. Summaries.SelectMany(s => s.Windows.Where(w => w.Status != SyncRunStatus.Succeeded).Select(w => $"{s.Source}.{w.Stream} {s.AccountId} {w.Window}: {w.Error}"))];

    public int Windows => Summaries.Sum(s => s.Windows.Count);
}

/// <summary>
/// Runs a sync the way <c>pipeline sync</c> does (same configuration binding, source registration, migration with
/// the semantic layer, <see cref="SyncRunner"/> per connection), in this process, with a clock the case chooses.
/// </summary>
internal static class InProcessPipeline
{
    /// <param name="only">Sync only these sources (by name, e.g. <c>meta</c>), as <c>pipeline sync --source</c>.</param>
    /// <param name="semanticLayer">False deploys staging and etl only (a tenth of the migrate time), for cases that never read dw or mart.</param>
    /// <param name="configure">Runs before the sources are registered (a registration here wins over their TryAdd defaults).</param>
    public static async Task<SyncOutcome> SyncAsync(
        PipelineOptions options, string runId, TimeProvider clock, Action<IServiceCollection>? configure = null, bool semanticLayer = true,
        IReadOnlySet<string>? only = null, CancellationToken cancellationToken = default)
    {
        var services = new ServiceCollection().AddSingleton(clock);
        configure?.Invoke(services);
        services.AddConfiguredSources(options.Sources);
        await using var provider = services.BuildServiceProvider();
        var catalog = new SourceCatalog(provider.GetServices<ISource>());
        await using var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = options.Warehouse.DuckDb.Path, Reporting = semanticLayer ? options.Reporting : null });
        await warehouse.MigrateAsync(catalog.Streams, cancellationToken);
        var runner = new SyncRunner(warehouse, clock, NullLogger<SyncRunner>.Instance);
        var summaries = new List<SyncSummary>();
        var connectErrors = new List<string>();
        foreach (var source in catalog.Sources.Where(s => only is null || only.Contains(s.Name)))
        {
            IReadOnlyList<ISourceConnection> connections;
            try
            {
                connections = await source.ConnectAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                connectErrors.Add($"{source.Name}: could not connect: {ex.Message}");
                continue;
            }

            foreach (var connection in connections)
            {
                await using (connection)
                {
                    summaries.Add(await runner.SyncAsync(connection, new SyncRequest(runId), cancellationToken));
                }
            }
        }

        // As `pipeline sync` does after its windows: the mart tables follow what was committed.
        if (warehouse.Marts is { } marts)
        {
            await marts.RefreshAsync(cancellationToken);
        }

        return new SyncOutcome(summaries, connectErrors);
    }
}

/// <summary>A fixed "now" (the sync's today) with real timers, so retries and timeouts still run in real time.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
