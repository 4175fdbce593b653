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

/// <summary>What a publish wrote: where, how many tables and rows, and how long it took.</summary>
public sealed record PublishResult(string Path, int Tables, long Rows, TimeSpan Duration);
