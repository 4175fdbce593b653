using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;

namespace Pipeline.Etl.Alerts;

/// <summary>What was already alerted (so each alert goes out once), kept beside the data it is about.</summary>
public interface IAlertState
{
    Task<string?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Null removes the key.</summary>
    Task SetAsync(string key, string? value, CancellationToken cancellationToken = default);
}

/// <summary>A day on which a KPI left its usual band (a row of <c>mart.kpi_anomalies</c>).</summary>
public sealed record KpiAnomaly(
    DateOnly Date, string SegmentType, string Segment, string KpiId, string KpiName, string Unit,
    double Value, double BaselineMedian, double LowerBound, double UpperBound, double RobustZ, string Direction, string Assessment);

/// <summary>Reads <c>mart.kpi_anomalies</c>.</summary>
public interface IAnomalyFeed
{
    Task<DateOnly?> LatestDateAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<KpiAnomaly>> ReadAfterAsync(DateOnly after, CancellationToken cancellationToken = default);
}

/// <summary>For engines without an <c>etl.alert_state</c> table: alerts are deduplicated for the process lifetime.</summary>
public sealed class MemoryAlertState : IAlertState
{
    private readonly ConcurrentDictionary<string, string> values = new(StringComparer.Ordinal);

    public Task<string?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult(values.TryGetValue(key, out var value) ? value : null);

    public Task SetAsync(string key, string? value, CancellationToken cancellationToken = default)
    {
        if (value is null)
        {
            values.TryRemove(key, out _);
        }
        else
        {
            values[key] = value;
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// <c>etl.alert_state</c> and <c>mart.kpi_anomalies</c> of a DuckDB warehouse, through a second connection to the
/// file the engine holds (DuckDB shares the open database within the process).
/// </summary>
public sealed class DuckDbAlertStore(string warehousePath) : IAlertState, IAnomalyFeed
{
    private readonly string connectionString = new DuckDBConnectionStringBuilder { DataSource = Path.GetFullPath(warehousePath) }.ConnectionString;

    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT value FROM etl.alert_state WHERE key = $key", ("key", key));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task SetAsync(string key, string? value, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = value is null
            ? Command(connection, "DELETE FROM etl.alert_state WHERE key = $key", ("key", key))
            : Command(connection,
                """
                INSERT INTO etl.alert_state (key, value, updated_at) VALUES ($key, $value, now()::TIMESTAMP)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """,
                ("key", key), ("value", value));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<DateOnly?> LatestDateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT max(date) FROM mart.kpi_anomalies");
        return await command.ExecuteScalarAsync(cancellationToken) switch
        {
            DateOnly d => d,
            DateTime dt => DateOnly.FromDateTime(dt),
            _ => null,
        };
    }

    public async Task<IReadOnlyList<KpiAnomaly>> ReadAfterAsync(DateOnly after, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            """
            SELECT date, segment_type, segment, kpi_id, kpi_name, unit, value, baseline_median, lower_bound, upper_bound,
                   robust_z, direction, assessment
            FROM mart.kpi_anomalies
            WHERE date > $after
            ORDER BY date, abs(robust_z) DESC, kpi_id, segment
            """,
            ("after", after));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<KpiAnomaly>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new KpiAnomaly(
                reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                Number(reader, 6), Number(reader, 7), Number(reader, 8), Number(reader, 9), Number(reader, 10), reader.GetString(11), reader.GetString(12)));
        }

        return rows;
    }

    private static double Number(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? double.NaN : Convert.ToDouble(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private async Task<DuckDBConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new DuckDBConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static DuckDBCommand Command(DuckDBConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(new DuckDBParameter(name, value));
        }

        return command;
    }
}
