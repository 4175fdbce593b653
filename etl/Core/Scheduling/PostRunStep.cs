using Microsoft.Extensions.Logging;
using Pipeline.Etl.Alerts;
using Pipeline.Etl.Configuration;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Scheduling;

/// <summary>
/// After a run committed something: the transform step (the mart tables catch up with the committed windows; dw
/// stays views over staging), publishing the BI copy of the marts where the engine has one (DuckDB; SQL Server is read live), and the
/// KPI anomaly check and the source health check against the engine's alert state. A failure here is alerted and logged but never undoes the sync.
/// </summary>
public sealed class PostRunStep(
    PipelineOptions options, AnomalyCheck anomalies, IAlertSink alerts, ILogger<PostRunStep> logger, SourceHealthCheck? health = null)
{
    // Two jobs finishing together must not refresh or publish at once; the second covers what the first may have missed.
    private readonly SemaphoreSlim publishing = new(1, 1);

    public async Task RunAsync(IWarehouseEngine warehouse, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        if (warehouse.Marts is { } marts)
        {
            await publishing.WaitAsync(cancellationToken);
            try
            {
                await marts.RefreshAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The loads stay; the marts keep their previous rows and the next run's refresh catches up.
                logger.LogError(ex, "Refreshing the mart tables failed");
                await alerts.SendAsync(new Alert(AlertKind.RunFailed, LogLevel.Error, "marts",
                    "refreshing the mart tables failed; they keep their previous rows until the next run catches up", [OneLine(ex.Message)]), cancellationToken);
            }
            finally
            {
                publishing.Release();
            }
        }

        if (options.Publish.Enabled && warehouse.Bi.Publisher is { } publisher)
        {
            await publishing.WaitAsync(cancellationToken);
            try
            {
                await publisher.PublishAsync(options.Publish.Path, runId, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Publishing the BI copy to {Path} failed", options.Publish.Path);
                await alerts.SendAsync(new Alert(AlertKind.RunFailed, LogLevel.Error, "publish",
                    $"publishing the marts for BI tools failed; they keep the previous copy", [OneLine(ex.Message)]), cancellationToken);
            }
            finally
            {
                publishing.Release();
            }
        }

        if (options.Alerts.Anomalies)
        {
            try
            {
                await anomalies.RunAsync(new MartAnomalyFeed(warehouse.Reader), warehouse.AlertState, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "KPI anomaly check failed: {Error}", OneLine(ex.Message));
            }
        }

        if (health is not null && options.Alerts.Health.Enabled)
        {
            try
            {
                await health.RunAsync(new MartSourceHealthFeed(warehouse.Reader), warehouse.AlertState, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Source health check failed: {Error}", OneLine(ex.Message));
            }
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
