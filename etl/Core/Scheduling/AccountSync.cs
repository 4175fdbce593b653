using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Connectors.Streams;
using Pipeline.Etl.Alerts;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Sync;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Scheduling;

/// <summary>How one scheduled run of a source account ended.</summary>
public sealed record AccountRunResult(string RunId, IReadOnlyList<SyncSummary> Summaries, bool Skipped, bool StoppedEarly, string? ConnectError)
{
    public int CommittedWindows => Summaries.Sum(s => s.Windows.Count(w => w.Status == SyncRunStatus.Succeeded));

    public int FailedWindows => Summaries.Sum(s => s.Windows.Count(w => w.Status == SyncRunStatus.Failed));
}

/// <summary>
/// The body of a sync job: open the warehouse (waiting while another process holds a DuckDB file), connect the
/// source, sync the job's account stream by stream with one commit per window, alert on failures, then run the
/// post-run step. Stopping is two-stage: the stop token (Ctrl-C, SIGTERM, a cluster interrupt) lets the
/// window being loaded commit and then ends the run at that window boundary; if the window is still loading
/// <c>Schedule:ShutdownGrace</c> later it is cancelled and rolls back. Either way no half window is left.
/// </summary>
public sealed class AccountSync(
    WarehouseFactory warehouses,
    SourceCatalog catalog,
    PipelineOptions options,
    PostRunStep postRun,
    ScheduledBackup backup,
    IAlertSink alerts,
    TimeProvider clock,
    ILoggerFactory loggers)
{
    /// <summary>The run log's stream name for a source that could not connect (so status shows the error).</summary>
    public const string ConnectStream = ConnectFailureLog.ConnectStream;

    private readonly ILogger logger = loggers.CreateLogger<AccountSync>();

    /// <param name="stop">Asks the run to end at the next window boundary.</param>
    public async Task<AccountRunResult> RunAsync(ScheduledAccount account, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(account);
        var runId = RunIds.New(clock);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RunId"] = runId, ["Source"] = account.Source, ["Account"] = account.Label });
        try
        {
            return await RunCoreAsync(account, runId, stop);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever else ends a run (the warehouse failing, a source returning fewer accounts than configured)
            // is alerted like a failed window; the scheduler keeps the job on its schedule.
            var error = OneLine(ex.Message);
            logger.LogError(ex, "{Source} {Account}: scheduled run {RunId} failed: {Error}", account.Source, account.Label, runId, error);
            await alerts.SendAsync(new Alert(AlertKind.RunFailed, LogLevel.Error, account.Source,
                $"{account.Source} {account.Label}: scheduled run {runId} failed", [error]), CancellationToken.None);
            throw;
        }
    }

    private async Task<AccountRunResult> RunCoreAsync(ScheduledAccount account, string runId, CancellationToken stop)
    {
        var source = catalog.Sources.SingleOrDefault(s => s.Name == account.Source)
            ?? throw new InvalidOperationException($"source '{account.Source}' is not configured");

        await using var warehouse = await WarehouseOperations.OpenAsync(warehouses, options.Schedule.BusyWait, logger, clock, stop);
        if (warehouse is null)
        {
            return new AccountRunResult(runId, [], Skipped: true, StoppedEarly: stop.IsCancellationRequested, null);
        }

        // A check that failed since the scheduler started (pipeline check between jobs) stops every later run.
        await warehouse.ThrowIfFailedCheckAsync(stop);

        // Hard cancellation: only once a stop was asked for and the grace for the window in flight ran out.
        using var hard = new CancellationTokenSource();
        using var graceTimer = stop.Register(() =>
        {
            logger.LogInformation("{Source} {Account}: stop requested; the window being loaded commits, or rolls back after {Grace}",
                account.Source, account.Label, options.Schedule.ShutdownGrace);
            hard.CancelAfter(options.Schedule.ShutdownGrace);
        });

        logger.LogInformation("{Source} {Account}: scheduled run {RunId} started", account.Source, account.Label, runId);
        IReadOnlyList<ISourceConnection> connections;
        try
        {
            connections = await source.ConnectAsync(hard.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !hard.IsCancellationRequested)
        {
            var error = OneLine(ex.Message);
            logger.LogError(ex, "{Source} {Account}: could not connect: {Error}", account.Source, account.Label, error);
            await RecordConnectFailureAsync(warehouse, runId, account, error);
            await alerts.SendAsync(new Alert(AlertKind.RunFailed, LogLevel.Error, account.Source,
                $"{account.Source} {account.Label}: scheduled run {runId} failed: could not connect", [error]), CancellationToken.None);
            return new AccountRunResult(runId, [], Skipped: false, StoppedEarly: false, error);
        }
        catch (OperationCanceledException)
        {
            return new AccountRunResult(runId, [], Skipped: false, StoppedEarly: true, null);
        }

        var summaries = new List<SyncSummary>();
        var stoppedEarly = false;
        try
        {
            var mine = Select(connections, account);
            var runner = new SyncRunner(warehouse, clock, loggers.CreateLogger<SyncRunner>());
            foreach (var connection in mine)
            {
                if (stop.IsCancellationRequested)
                {
                    stoppedEarly = true;
                    break;
                }

                var windows = new StopAtWindowBoundary(stop);
                try
                {
                    await runner.SyncAsync(connection, new SyncRequest(runId) { Progress = windows }, hard.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Either the run stopped after a committed window, or the grace ran out and the window rolled back.
                    stoppedEarly = true;
                }

                summaries.Add(new SyncSummary(connection.Source, connection.AccountId, windows.Outcomes));
                if (stoppedEarly)
                {
                    break;
                }
            }
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }

        var result = new AccountRunResult(runId, summaries, Skipped: false, stoppedEarly, null);
        logger.LogInformation(
            "{Source} {Account}: scheduled run {RunId} {Outcome}: {Committed} window(s) committed, {Failed} failed, {Rows} rows written",
            account.Source, account.Label, runId, stoppedEarly ? "stopped early" : "finished", result.CommittedWindows, result.FailedWindows,
            summaries.Sum(s => s.RowsWritten));
        await AlertFailuresAsync(account, result);

        // A stopping host does not start publishing: the next run publishes what this one committed.
        if (result.CommittedWindows > 0 && !stop.IsCancellationRequested)
        {
            await postRun.RunAsync(warehouse, runId, hard.Token);
            if (result.FailedWindows == 0)
            {
                await backup.RunAsync(warehouse, runId, hard.Token);
            }
        }

        return result;
    }

    /// <summary>Connections come back in configuration order, so the job's account is the one at its index.</summary>
    private static IReadOnlyList<ISourceConnection> Select(IReadOnlyList<ISourceConnection> connections, ScheduledAccount account)
    {
        if (account.Index is not { } index)
        {
            return connections;
        }

        if (index >= connections.Count)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{account.Source} returned {connections.Count} account(s); the schedule expected account #{index + 1} ({account.Label})"));
        }

        return [connections[index]];
    }

    private async Task AlertFailuresAsync(ScheduledAccount account, AccountRunResult result)
    {
        var failed = result.Summaries
            .SelectMany(s => s.Windows.Where(w => w.Status == SyncRunStatus.Failed).Select(w => $"{s.Source}.{w.Stream} {s.AccountId} {w.Window}: {w.Error}"))
            .ToList();
        if (failed.Count == 0)
        {
            return;
        }

        var title = string.Create(CultureInfo.InvariantCulture,
            $"{account.Source} {account.Label}: scheduled run {result.RunId} failed: {failed.Count} window(s) failed, {result.CommittedWindows} committed");
        await alerts.SendAsync(new Alert(AlertKind.RunFailed, LogLevel.Error, account.Source, title, failed.Take(5).ToList()), CancellationToken.None);
    }

    private Task RecordConnectFailureAsync(IWarehouseEngine warehouse, string runId, ScheduledAccount account, string error) =>
        ConnectFailureLog.RecordAsync(warehouse.RunLog, runId, account.Source, [account.Label], error, clock.GetUtcNow().UtcDateTime, logger);

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>
    /// <see cref="SyncRunner"/> reports each window after it committed (or failed); throwing there once a stop was
    /// asked for ends the run at that window boundary instead of starting the next window.
    /// </summary>
    private sealed class StopAtWindowBoundary(CancellationToken stop) : IProgress<WindowOutcome>
    {
        /// <summary>Every window that ended, so a run that stopped early still knows what it committed.</summary>
        public List<WindowOutcome> Outcomes { get; } = [];

        public void Report(WindowOutcome value)
        {
            Outcomes.Add(value);
            stop.ThrowIfCancellationRequested();
        }
    }
}
