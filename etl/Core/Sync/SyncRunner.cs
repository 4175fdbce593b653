using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Pipeline.Connectors.Privacy;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Sync;

/// <summary>What to sync: which streams (null = all) and an optional backfill range for report streams.</summary>
public sealed record SyncRequest(string RunId)
{
    public IReadOnlySet<string>? Streams { get; init; }

    public DateOnly? BackfillFrom { get; init; }

    public DateOnly? BackfillTo { get; init; }

    /// <summary>Told about every window as it ends (the CLI's progress bars).</summary>
    public IProgress<WindowOutcome>? Progress { get; init; }

    /// <summary>Told once per account, before its first window, how many windows (an entity read counts one) it will run.</summary>
    public IProgress<int>? Planned { get; init; }
}

/// <summary>Outcome of one stream window.</summary>
public sealed record WindowOutcome(string Stream, string Window, SyncRunStatus Status, WindowLoadResult? Result, string? Error)
{
    /// <summary>The report window's days; null for an entity or snapshot read.</summary>
    public IncrementalWindow? Range { get; init; }

    /// <summary>Committed without a single row read or rejected.</summary>
    public bool IsEmpty => Status == SyncRunStatus.Succeeded && Result is { RowsRead: 0, RowsRejected: 0 };
}

public sealed record SyncSummary(string Source, string AccountId, IReadOnlyList<WindowOutcome> Windows)
{
    public bool Succeeded => Windows.All(w => w.Status == SyncRunStatus.Succeeded);

    public long RowsWritten => Windows.Sum(w => w.Result?.RowsWritten ?? 0);

    /// <summary>Per report stream, the windows not read because they end before the account's data starts.</summary>
    public IReadOnlyList<SkippedWindows> Skipped { get; init; } = [];
}

/// <summary>
/// Runs one source account: plans each stream's windows from the committed cursor, streams every window through
/// the loader (one commit per window) and records each in <c>etl.sync_runs</c>. A failing stream is recorded and
/// the others still run; cancellation stops after rolling back the window in flight.
/// </summary>
public sealed class SyncRunner(IWarehouseEngine warehouse, TimeProvider clock, ILogger<SyncRunner> logger)
{
    /// <summary>Scope property that keeps an event off the console (the CLI's PipelineLogging.FileOnly).</summary>
    private const string FileOnly = "FileOnly";

    /// <summary>Rows (and rejects) a window reads ahead of the loader (see <see cref="ReadAhead.Rows"/>).</summary>
    public int ReadAheadRows { get; init; } = ReadAhead.DefaultRows;

    public async Task<SyncSummary> SyncAsync(ISourceConnection connection, SyncRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(request);
        using var trimming = NativeHeap.TrimWhileSyncing();
        var outcomes = new List<WindowOutcome>();
        var skipped = new List<SkippedWindows>();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), connection.TimeZone).DateTime);
        var dataStart = new AccountDataStart(warehouse.AlertState, connection, logger);

        // Every stream is planned before any runs, so progress knows the account's whole work up front.
        var plans = new List<(IStreamReader Reader, string? Cursor, IReadOnlyList<IncrementalWindow?> Windows)>();
        foreach (var reader in connection.Streams)
        {
            if (request.Streams is { } only && !only.Contains(reader.Stream.Name))
            {
                continue;
            }

            var stream = reader.Stream;
            var cursor = await warehouse.RunLog.GetCursorAsync(stream.Source, stream.Name, connection.AccountId, cancellationToken);
            if (stream.Kind != StreamKind.Report)
            {
                plans.Add((reader, cursor, [null]));
                continue;
            }

            var backfill = request.BackfillFrom is not null || request.BackfillTo is not null;
            var loadedFrom = cursor is null || backfill ? null : await warehouse.RunLog.GetLoadedFromAsync(stream.Source, stream.Name, connection.AccountId, cancellationToken);
            var full = IncrementalWindow.Plan(stream, cursor, reader.Settings, today, request.BackfillFrom, request.BackfillTo, loadedFrom: loadedFrom);
            // Only a plan that reaches back to its first-run or backfill start asks where the data starts.
            var start = cursor is null || backfill ? await dataStart.GetAsync(today, cancellationToken) : null;
            var windows = start is { } day ? IncrementalWindow.Plan(stream, cursor, reader.Settings, today, request.BackfillFrom, request.BackfillTo, day, loadedFrom) : full;
            if (start is { } first && SkippedWindows.Before(stream.Name, full, first) is { } none)
            {
                skipped.Add(none);
                logger.LogInformation("{Source}.{Stream} {Account}: {Count} window(s) {From:yyyy-MM-dd}..{To:yyyy-MM-dd} skipped: the account's data starts {Start:yyyy-MM-dd}",
                    stream.Source, stream.Name, connection.AccountId, none.Count, none.From, none.To, first);
            }

            plans.Add((reader, cursor, [.. windows.Select(w => (IncrementalWindow?)w)]));
        }

        request.Planned?.Report(plans.Sum(p => p.Windows.Count));
        foreach (var (reader, cursor, windows) in plans)
        {
            foreach (var window in windows)
            {
                var outcome = await RunWindowAsync(connection, reader, window, cursor, request, cancellationToken);
                outcomes.Add(outcome);
                request.Progress?.Report(outcome);
                if (outcome.Status != SyncRunStatus.Succeeded)
                {
                    // Later windows of this stream would leave a gap behind the cursor; the next run retries from here.
                    break;
                }
            }
        }

        return new SyncSummary(connection.Source, connection.AccountId, outcomes) { Skipped = skipped };
    }

    private async Task<WindowOutcome> RunWindowAsync(
        ISourceConnection connection, IStreamReader reader, IncrementalWindow? window, string? cursor, SyncRequest request, CancellationToken cancellationToken)
    {
        var stream = reader.Stream;
        var run = new SyncRunRecord(request.RunId, stream.Source, stream.Name, connection.AccountId)
        {
            StartedAt = clock.GetUtcNow().UtcDateTime,
            WindowFrom = window?.From,
            WindowTo = window?.To,
        };
        var label = window?.ToString() ?? (cursor is null ? "full" : $"since {cursor}");
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["Source"] = stream.Source, ["Stream"] = stream.Name, ["Account"] = connection.AccountId });
        var callsBefore = connection.ApiCalls;
        await warehouse.RunLog.RunStartedAsync(run, CancellationToken.None);
        try
        {
            // Rows read ahead: the next request and its parsing overlap this batch's append.
            var read = ReadAhead.Rows(
                WithoutAddresses(reader.ReadAsync(new StreamReadRequest(window?.From, window?.To, cursor), cancellationToken), cancellationToken),
                ReadAheadRows,
                cancellationToken);
            var result = await warehouse.Loader.LoadWindowAsync(
                stream, new LoadWindow(connection.AccountId, request.RunId, window?.From, window?.To), read, cancellationToken);
            await warehouse.RunLog.RunFinishedAsync(Finish(run, SyncRunStatus.Succeeded, connection.ApiCalls - callsBefore, result, null), CancellationToken.None);
            logger.LogInformation("{Source}.{Stream} {Account} {Window}: {Written} rows written, {Rejected} rejected",
                stream.Source, stream.Name, connection.AccountId, label, result.RowsWritten, result.RowsRejected);
            return new WindowOutcome(stream.Name, label, SyncRunStatus.Succeeded, result, null) { Range = window };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await warehouse.RunLog.RunFinishedAsync(Finish(run, SyncRunStatus.Cancelled, connection.ApiCalls - callsBefore, null, "cancelled"), CancellationToken.None);
            logger.LogWarning("{Source}.{Stream} {Account} {Window}: cancelled, window rolled back", stream.Source, stream.Name, connection.AccountId, label);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The run log is a warehouse table: a message quoting a record must not carry its address.
            var error = OneLine(EmailAddresses.Redact(ex.Message)!);
            await warehouse.RunLog.RunFinishedAsync(Finish(run, SyncRunStatus.Failed, connection.ApiCalls - callsBefore, null, error), CancellationToken.None);
            // One line for the console; the exception with its stack trace for the log file only.
            logger.LogError("{Source}.{Stream} {Account} {Window}: failed, window rolled back: {Error}", stream.Source, stream.Name, connection.AccountId, label, error);
            using (logger.BeginScope(new Dictionary<string, object> { [FileOnly] = true }))
            {
                logger.LogError(ex, "{Source}.{Stream} {Account} {Window}: failure details", stream.Source, stream.Name, connection.AccountId, label);
            }

            return new WindowOutcome(stream.Name, label, SyncRunStatus.Failed, null, error) { Range = window };
        }
    }

    /// <summary>
    /// Rejects keep the raw record for inspection, so a connector's reason or payload may quote an address (one in a
    /// field where none belongs, say); every engine stores them with each address replaced by its hash.
    /// </summary>
    private static async IAsyncEnumerable<RecordBatch> WithoutAddresses(IAsyncEnumerable<RecordBatch> batches, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var batch in batches.WithCancellation(cancellationToken))
        {
            yield return batch.Rejects.Count == 0
                ? batch
                : new RecordBatch(batch.Rows, [.. batch.Rejects.Select(r => new RejectedRecord(EmailAddresses.Redact(r.Reason)!, EmailAddresses.Redact(r.Payload)!))]);
        }
    }

    private SyncRunRecord Finish(SyncRunRecord run, SyncRunStatus status, long apiCalls, WindowLoadResult? result, string? error) => run with
    {
        Status = status,
        FinishedAt = clock.GetUtcNow().UtcDateTime,
        RowsRead = result?.RowsRead ?? 0,
        RowsWritten = result?.RowsWritten ?? 0,
        RowsRejected = result?.RowsRejected ?? 0,
        ApiCalls = apiCalls,
        Error = error,
    };

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
