namespace Pipeline.Warehouse;

/// <summary>
/// The read side of an engine: runs a query written in the subset of SQL both engines share (see
/// <see cref="MartQueries"/>) and hands back its rows as plain values. Like dlt's per-destination sql_client, only
/// connections, parameters and value types are per engine; the query text is written once.
/// </summary>
public interface IWarehouseReader
{
    /// <summary>What differs between the engines' SQL where a query needs it (parameters, the range function).</summary>
    SqlDialect Dialect { get; }

    /// <summary>
    /// Runs <paramref name="sql"/> with named parameters (referenced as <see cref="SqlDialect.Parameter"/>) and returns
    /// every row. Values arrive as the engine hands them out; <see cref="SqlRow"/> reads them the same on both.
    /// </summary>
    Task<IReadOnlyList<SqlRow>> QueryAsync(string sql, IReadOnlyDictionary<string, object?>? parameters = null, CancellationToken cancellationToken = default);
}
