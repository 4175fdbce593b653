using Microsoft.Extensions.Logging;
using Pipeline.Etl.Alerts;
using Pipeline.Warehouse;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Etl.Scheduling;

/// <summary>
/// What the scheduler does beyond syncing, per engine: DuckDB publishes a BI copy and keeps alert state in
/// <c>etl.alert_state</c>; other engines serve BI live (no publisher) and remember alerts in memory.
/// </summary>
public sealed class WarehouseOperations(ILoggerFactory loggers)
{
    private readonly MemoryAlertState memory = new();

    public IMartPublisher? PublisherFor(IWarehouseEngine warehouse) =>
        warehouse is DuckDbWarehouse duckDb ? new MartPublisher(duckDb, loggers.CreateLogger<MartPublisher>()) : null;

    public IAlertState AlertStateFor(IWarehouseEngine warehouse) =>
        warehouse is DuckDbWarehouse ? new DuckDbAlertStore(warehouse.Location) : memory;

    public IAnomalyFeed? AnomaliesFor(IWarehouseEngine warehouse) =>
        warehouse is DuckDbWarehouse ? new DuckDbAlertStore(warehouse.Location) : null;

    /// <summary>
    /// Opens the warehouse for one job. DuckDB refuses a second process, so a job that finds the file held (a
    /// manual <c>pipeline sync</c>) retries until <paramref name="busyWait"/> is over, then returns null: the run is
    /// skipped and the next trigger tries again. Also null when <paramref name="stop"/> fires while waiting.
    /// </summary>
    public static async Task<IWarehouseEngine?> OpenAsync(
        WarehouseFactory factory, TimeSpan busyWait, ILogger logger, TimeProvider clock, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var deadline = clock.GetUtcNow() + busyWait;
        var warned = false;
        while (true)
        {
            try
            {
                return factory.Open();
            }
            catch (WarehouseBusyException ex)
            {
                var left = deadline - clock.GetUtcNow();
                if (left <= TimeSpan.Zero)
                {
                    logger.LogWarning("Run skipped: {Reason}; waited {Minutes:0.#} min (Schedule:BusyWait)", ex.Message, busyWait.TotalMinutes);
                    return null;
                }

                if (!warned)
                {
                    logger.LogInformation("Waiting for the warehouse: {Reason}", ex.Message);
                    warned = true;
                }

                try
                {
                    await Task.Delay(left < TimeSpan.FromSeconds(2) ? left : TimeSpan.FromSeconds(2), clock, stop);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return null;
                }
            }
        }
    }
}
