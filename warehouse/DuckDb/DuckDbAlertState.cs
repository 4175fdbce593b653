using Dapper;

namespace Pipeline.Warehouse.DuckDb;

/// <summary><c>etl.alert_state</c> of a DuckDB warehouse (versioned script 0003).</summary>
internal sealed class DuckDbAlertState(DuckDbWarehouse warehouse) : IAlertState
{
    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var connection = warehouse.OpenConnection();
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT value FROM etl.alert_state WHERE key = $key", new { key }, cancellationToken: cancellationToken));
    }

    public async Task SetAsync(string key, string? value, CancellationToken cancellationToken = default)
    {
        await using var connection = warehouse.OpenConnection();
        await connection.ExecuteAsync(value is null
            ? new CommandDefinition("DELETE FROM etl.alert_state WHERE key = $key", new { key }, cancellationToken: cancellationToken)
            : new CommandDefinition(
                """
                INSERT INTO etl.alert_state (key, value, updated_at) VALUES ($key, $value, now()::TIMESTAMP)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """,
                new { key, value },
                cancellationToken: cancellationToken));
    }
}
