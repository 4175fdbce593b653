namespace Pipeline.Warehouse;

/// <summary>
/// Publishes the star schema and marts as a read-only copy for BI tools, for engines whose live warehouse BI must
/// not hold open (DuckDB allows one writer process). Engines that serve readers live (SQL Server) have none.
/// </summary>
public interface IMartPublisher
{
    /// <summary>
    /// Writes every <c>dw</c> and <c>mart</c> object as a table into a new file beside <paramref name="targetPath"/>
    /// and then moves it over the target in one step: readers see the old copy or the new one, never half of one.
    /// </summary>
    Task<PublishResult> PublishAsync(string targetPath, string runId, CancellationToken cancellationToken = default);
}

/// <summary>
/// What a publish wrote: where, how many tables and rows, how long it took, and whether it started from the previous
/// copy (<paramref name="FromPrevious"/>: only the mart rows changed since were copied again).
/// </summary>
public sealed record PublishResult(string Path, int Tables, long Rows, TimeSpan Duration, bool FromPrevious = false);

/// <summary>
/// How BI tools read an engine's star schema and marts: a copy <see cref="Publisher"/> writes (DuckDB, whose live
/// file admits one process), or the live warehouse when there is no publisher (SQL Server, through a read-only role).
/// </summary>
/// <param name="Description">One sentence for people: what BI tools open, and how they get access.</param>
/// <param name="Publisher">Writes the BI copy; null when BI reads the warehouse live.</param>
public sealed record BiAccess(string Description, IMartPublisher? Publisher = null);
