namespace Pipeline.Warehouse;

/// <summary>
/// <c>etl.alert_state</c>: what the scheduler already alerted (so each alert goes out once), kept in the warehouse
/// beside the data it is about, on every engine.
/// </summary>
public interface IAlertState
{
    Task<string?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Null removes the key.</summary>
    Task SetAsync(string key, string? value, CancellationToken cancellationToken = default);
}
