using Microsoft.Extensions.Logging;
using Pipeline.Etl.Alerts;
using Pipeline.Etl.Configuration;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Scheduling;

/// <summary>
/// After a scheduled run that committed windows and failed none, with <c>Backup:Enabled</c>: a verified copy of the
/// warehouse into <c>Backup:Path</c>, keeping <c>Backup:Keep</c>. Runs while the job still holds the warehouse, so
/// nothing writes during the copy. A failed backup is alerted and logged but never undoes the sync.
/// </summary>
public sealed class ScheduledBackup(PipelineOptions options, IAlertSink alerts, ILogger<ScheduledBackup> logger)
{
    public async Task<BackupResult?> RunAsync(IWarehouseEngine warehouse, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        if (!options.Backup.Enabled)
        {
            return null;
        }

        try
        {
            var result = await warehouse.BackupAsync(options.Backup.Path, options.Backup.Keep, cancellationToken);
            logger.LogInformation("Backup after run {RunId}: {Location}; {Removed} old backup(s) removed", runId, result.Location, result.Removed.Count);
            return result;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var error = string.Join(' ', ex.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            logger.LogError(ex, "Backup after run {RunId} failed: {Error}", runId, error);
            await alerts.SendAsync(new Alert(AlertKind.RunFailed, LogLevel.Error, "backup",
                $"backup of {warehouse.Location} after run {runId} failed", [error]), CancellationToken.None);
            return null;
        }
    }
}
