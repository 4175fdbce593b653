namespace Pipeline.Warehouse;

/// <summary><c>etl.sync_runs</c> and <c>etl.sync_state</c>: what ran, how it went, and where each stream stands.</summary>
public interface IRunLog
{
    Task RunStartedAsync(SyncRunRecord run, CancellationToken cancellationToken = default);

    Task RunFinishedAsync(SyncRunRecord run, CancellationToken cancellationToken = default);

    Task<string?> GetCursorAsync(string source, string stream, string accountId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The first day of the earliest succeeded window of a report stream for an account (<c>min(window_from)</c> of
    /// <c>etl.sync_runs</c>), or null when none succeeded: where its loaded history begins.
    /// </summary>
    Task<DateOnly?> GetLoadedFromAsync(string source, string stream, string accountId, CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>pipeline state reset</c>: deletes the <c>etl.sync_state</c> rows of a source (of one stream and/or account when
    /// given) in one transaction and returns what they held, so the next sync starts those streams over. Staging rows
    /// and the run log stay.
    /// </summary>
    Task<IReadOnlyList<ResetStreamState>> ResetStateAsync(string source, string? stream, string? accountId, CancellationToken cancellationToken = default);
}

/// <summary>A stream state that <see cref="IRunLog.ResetStateAsync"/> deleted, with the cursor it had.</summary>
public sealed record ResetStreamState(string Stream, string AccountId, string? Cursor);

public enum SyncRunStatus
{
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>One window of one stream of one account within one run (entity streams have no window).</summary>
public sealed record SyncRunRecord(string RunId, string Source, string Stream, string AccountId)
{
    public DateTime StartedAt { get; init; } = DateTime.UtcNow;
    public DateTime? FinishedAt { get; init; }
    public SyncRunStatus Status { get; init; } = SyncRunStatus.Running;
    public long RowsRead { get; init; }
    public long RowsWritten { get; init; }
    public long RowsRejected { get; init; }
    public long ApiCalls { get; init; }
    public DateOnly? WindowFrom { get; init; }
    public DateOnly? WindowTo { get; init; }
    public string? Error { get; init; }
}
