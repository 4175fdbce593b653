using Microsoft.Extensions.Logging;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Scheduling;

/// <summary>How a scheduled job gets the warehouse; what it does there (publish, alert state) the engine itself offers.</summary>
public static class WarehouseOperations
{
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
