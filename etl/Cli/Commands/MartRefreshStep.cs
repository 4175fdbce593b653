using Microsoft.Extensions.Logging;
using Pipeline.Etl.Sync;
using Pipeline.Warehouse;

namespace Pipeline.Cli.Commands;

/// <summary>
/// After a CLI sync (<c>sync</c>, <c>demo</c>): the mart tables catch up with the windows the run committed, once
/// per run (the refresh's watermark covers every window since the last refresh). A failed refresh is reported on
/// stderr and in the log; the loads stay, and the next sync or <c>pipeline marts refresh</c> catches up.
/// </summary>
internal static class MartRefreshStep
{
    /// <returns>False when the refresh failed.</returns>
    public static async Task<bool> RunAsync(IWarehouseEngine warehouse, IReadOnlyList<SyncSummary> summaries, CliEnvironment env, ILogger logger, CancellationToken cancellationToken)
    {
        if (warehouse.Marts is not { } marts || !summaries.Any(s => s.Windows.Any(w => w.Status == SyncRunStatus.Succeeded)))
        {
            return true;
        }

        try
        {
            await marts.RefreshAsync(cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var line = string.Join(' ', ex.Message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            // One line, as every failure the CLI prints: the message names the cause (a full disk, a lost connection).
            logger.LogError("Refreshing the mart tables failed: {Error}", line);
            await env.Error.WriteLineAsync($"error: refreshing the mart tables failed ({line}); the loads are kept and the marts keep their previous rows: run 'pipeline marts refresh'");
            return false;
        }
    }
}
