using Pipeline.Connectors.Streams;

namespace Pipeline.Warehouse;

/// <summary>
/// A warehouse engine (DuckDB embedded, SQL Server): it owns its SQL, migrates the layers, loads staging, keeps the
/// run log and alert state, answers read queries and says how BI tools read it. Everything above it speaks only this
/// contract.
/// </summary>
public interface IWarehouseEngine : IAsyncDisposable
{
    /// <summary>Engine name as used in configuration (<c>duckdb</c>, <c>sqlserver</c>).</summary>
    string Name { get; }

    /// <summary>Where the warehouse lives, safe to print (no credentials).</summary>
    string Location { get; }

    IStagingLoader Loader { get; }

    IRunLog RunLog { get; }

    /// <summary>Read queries over the marts and <c>etl</c> views (<c>pipeline kpi</c>, <c>report</c>, the anomaly check).</summary>
    IWarehouseReader Reader { get; }

    /// <summary><c>etl.alert_state</c>: what the scheduler already alerted.</summary>
    IAlertState AlertState { get; }

    /// <summary>What BI tools read, and the publisher of their copy where they read one.</summary>
    BiAccess Bi { get; }

    /// <summary>
    /// Null when this is the warehouse itself. A read-only open that found the warehouse held by a writer (a sync)
    /// and opened its last published copy instead says so here, in one line for stderr.
    /// </summary>
    string? ReadingPublishedCopy => null;

    /// <summary>The refresher of the mart tables; null where the engine has no semantic layer (no Reporting settings).</summary>
    Marts.IMartRefresher? Marts => null;

    /// <summary>
    /// Runs the versioned scripts not yet journaled, ensures a staging table for each stream, then re-creates the
    /// views. Throws <see cref="MigrationFailedException"/> naming the failing script.
    /// </summary>
    Task<MigrationReport> MigrateAsync(IReadOnlyCollection<StreamDescriptor> streams, CancellationToken cancellationToken = default);

    Task<WarehouseStatus> ReadStatusAsync(int recentRuns = 20, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads every table end to end so the engine verifies what it stores (DuckDB: block checksums; SQL Server:
    /// <c>DBCC CHECKDB</c>). A failed check is recorded and stands (<see cref="ReadFailedCheckAsync"/>) until a check passes.
    /// </summary>
    Task<IntegrityReport> CheckAsync(CancellationToken cancellationToken = default);

    /// <summary>The recorded failed check (when and what was damaged), or null when none stands.</summary>
    Task<string?> ReadFailedCheckAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// A consistent copy into <paramref name="folder"/>, named with the UTC time, keeping the newest <paramref name="keep"/>
    /// copies there. DuckDB: checkpoint, copy the file while this engine holds the writer lock, verify the copy.
    /// </summary>
    Task<BackupResult> BackupAsync(string folder, int keep, CancellationToken cancellationToken = default);
}

public sealed record MigrationReport(IReadOnlyList<string> VersionedScriptsApplied, IReadOnlyList<string> AlwaysScriptsRun)
{
    /// <summary>Mart tables this migration built whole because their definition (or something it reads) was new or changed.</summary>
    public IReadOnlyList<string> MartsRebuilt { get; init; } = [];
}

public sealed record WarehouseObject(string Schema, string Name, string Kind, long? Rows);

/// <summary>Where a stream of an account stands, and how its last run went (from <c>etl.v_stream_status</c>).</summary>
public sealed record StreamState(string Source, string Stream, string AccountId, string? Cursor, DateTime UpdatedAt, string RunId)
{
    public DateTime? LastSuccessAt { get; init; }

    public string? LastStatus { get; init; }

    public string? LastError { get; init; }
}

public sealed record WarehouseStatus(
    IReadOnlyList<WarehouseObject> Objects,
    IReadOnlyList<SyncRunRecord> RecentRuns,
    IReadOnlyList<StreamState> States);
