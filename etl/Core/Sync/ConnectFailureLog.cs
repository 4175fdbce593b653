using Microsoft.Extensions.Logging;
using Pipeline.Connectors.Privacy;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Sync;

/// <summary>
/// A source that could not connect (wrong host, refused port, bad token) leaves a failed <c>(connect)</c> row in
/// <c>etl.sync_runs</c> with its one-line error, on the manual path (<c>pipeline sync</c>) and the scheduled one
/// alike, so <c>pipeline status</c> shows why nothing was synced instead of "never synced".
/// </summary>
public static class ConnectFailureLog
{
    /// <summary>The run log's stream name for a source that could not connect.</summary>
    public const string ConnectStream = "(connect)";

    /// <summary>Records the failure for each account label; a run log that cannot be written is logged, never thrown.</summary>
    public static async Task RecordAsync(
        IRunLog runLog, string runId, string source, IReadOnlyList<string> accounts, string error, DateTime nowUtc, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(runLog);
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(logger);
        // The run log is a warehouse table BI tools may read: no credentials quoted from a URL, no addresses.
        var oneLine = OneLine(Alerts.AlertRedactor.None.Redact(EmailAddresses.Redact(error)!));
        foreach (var account in accounts.Count == 0 ? ["all"] : accounts)
        {
            var record = new SyncRunRecord(runId, source, ConnectStream, account) { StartedAt = nowUtc };
            try
            {
                await runLog.RunStartedAsync(record, CancellationToken.None);
                await runLog.RunFinishedAsync(record with { FinishedAt = nowUtc, Status = SyncRunStatus.Failed, Error = oneLine }, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Could not record the connect failure of {Source} in etl.sync_runs: {Error}", source, OneLine(ex.Message));
            }
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
