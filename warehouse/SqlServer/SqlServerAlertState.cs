using Dapper;

namespace Pipeline.Warehouse.SqlServer;

/// <summary><c>etl.alert_state</c> of a SQL Server warehouse (versioned script 0004).</summary>
internal sealed class SqlServerAlertState(SqlServerWarehouse warehouse) : IAlertState
{
    internal const string GetSql = "SELECT value FROM etl.alert_state WHERE [key] = @key";

    internal const string DeleteSql = "DELETE FROM etl.alert_state WHERE [key] = @key";

    // An update-else-insert under a key-range lock: two schedulers of a cluster setting one key cannot both insert.
    internal const string SetSql =
        """
        SET XACT_ABORT ON;
        BEGIN TRANSACTION;
        UPDATE etl.alert_state WITH (UPDLOCK, SERIALIZABLE) SET value = @value, updated_at = SYSUTCDATETIME() WHERE [key] = @key;
        IF @@ROWCOUNT = 0
            INSERT INTO etl.alert_state ([key], value, updated_at) VALUES (@key, @value, SYSUTCDATETIME());
        COMMIT TRANSACTION;
        """;

    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var connection = await warehouse.Connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(GetSql, new { key }, cancellationToken: cancellationToken));
    }

    public async Task SetAsync(string key, string? value, CancellationToken cancellationToken = default)
    {
        await using var connection = await warehouse.Connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(value is null
            ? new CommandDefinition(DeleteSql, new { key }, cancellationToken: cancellationToken)
            : new CommandDefinition(SetSql, new { key, value }, cancellationToken: cancellationToken));
    }
}
