namespace Pipeline.Warehouse.Marts;

/// <summary>
/// Keeps the mart tables equal to their definitions (the views in <c>mart_def</c>): after loads, only the periods the
/// committed windows, the CRM changes and the clock can have changed; on request, everything.
/// </summary>
public interface IMartRefresher
{
    /// <summary>
    /// Recomputes the rows every load, run-log change and clock horizon since the last refresh can have changed, in
    /// one transaction with the new watermark: a failure leaves the previous consistent state, and the next refresh
    /// catches up.
    /// </summary>
    Task<MartRefreshResult> RefreshAsync(CancellationToken cancellationToken = default);

    /// <summary>Recomputes every mart table whole from its definition, in one transaction.</summary>
    Task<MartRefreshResult> RebuildAsync(CancellationToken cancellationToken = default);
}

/// <param name="From">First day recomputed in the range-refreshed marts; null when they were recomputed whole.</param>
/// <param name="Marts">The marts recomputed, in dependency order.</param>
/// <param name="Timings">
/// Where the time went: each mart table's delete and insert, "affected days" (working out what changed since the
/// last refresh), "watermark", "commit" and, on DuckDB, "checkpoint"; empty when not measured.
/// </param>
public sealed record MartRefreshResult(DateOnly? From, IReadOnlyList<string> Marts, TimeSpan Duration, IReadOnlyDictionary<string, TimeSpan>? Timings = null);
