using Microsoft.Extensions.Logging;
using Pipeline.Etl.Alerts;
using Pipeline.Etl.Configuration;

namespace Pipeline.Etl.Scheduling;

/// <summary>
/// The scheduler's periodic look at freshness: each configured source against its SLA, alerting once per stale
/// episode, and at API versions near their end (once per phase). A warehouse busy in another process is simply
/// looked at next time.
/// </summary>
public sealed class FreshnessCheck(
    WarehouseFactory warehouses,
    SourceCatalog catalog,
    PipelineOptions options,
    FreshnessAlerts freshnessAlerts,
    ApiVersionAlerts apiVersionAlerts,
    TimeProvider clock,
    ILogger<FreshnessCheck> logger)
{
    /// <summary>Runs enough of the run log to cover a day of frequent syncs.</summary>
    public const int RunsRead = 5000;

    public async Task<IReadOnlyList<SourceFreshness>> RunAsync(CancellationToken cancellationToken)
    {
        await using var warehouse = await WarehouseOperations.OpenAsync(warehouses, TimeSpan.FromSeconds(30), logger, clock, cancellationToken);
        if (warehouse is null)
        {
            return [];
        }

        var status = await warehouse.ReadStatusAsync(RunsRead, cancellationToken);
        var evaluated = Freshness.Evaluate(status, ConfiguredStreams(catalog), options.Alerts, clock.GetUtcNow().UtcDateTime);
        await freshnessAlerts.RunAsync(evaluated, warehouse.AlertState, cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await apiVersionAlerts.RunAsync(ApiVersionAlerts.Evaluate(options.Sources, today), warehouse.AlertState, cancellationToken);
        return evaluated;
    }

    /// <summary>Each configured source with the streams it has now.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> ConfiguredStreams(SourceCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.Sources.ToDictionary(
            s => s.Name,
            s => (IReadOnlySet<string>)s.Streams.Select(t => t.Name).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
    }
}
