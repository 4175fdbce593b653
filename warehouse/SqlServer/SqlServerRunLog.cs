using System.Data;
using Dapper;
using Microsoft.Data.SqlClient;

namespace Pipeline.Warehouse.SqlServer;

/// <summary><c>etl.sync_runs</c> and <c>etl.sync_state</c> on SQL Server.</summary>
internal sealed class SqlServerRunLog(SqlServerWarehouse warehouse) : IRunLog
{
    public async Task RunStartedAsync(SyncRunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await warehouse.Connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO etl.sync_runs (run_id, source, stream, account_id, started_at, status, window_from, window_to)
            VALUES (@run_id, @source, @stream, @account_id, @started_at, @status, @window_from, @window_to);
            """,
            Parameters(run),
            cancellationToken: cancellationToken));
    }

    public async Task RunFinishedAsync(SyncRunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = await warehouse.Connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE etl.sync_runs
            SET finished_at = @finished_at, status = @status, rows_read = @rows_read, rows_written = @rows_written,
                rows_rejected = @rows_rejected, api_calls = @api_calls, error = @error
            WHERE run_id = @run_id AND source = @source AND stream = @stream AND account_id = @account_id
              AND (window_from = @window_from OR (window_from IS NULL AND @window_from IS NULL));
            """,
            Parameters(run),
            cancellationToken: cancellationToken));
    }

    public async Task<string?> GetCursorAsync(string source, string stream, string accountId, CancellationToken cancellationToken = default)
    {
        await using var connection = await warehouse.Connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT cursor_value FROM etl.sync_state WHERE source = @source AND stream = @stream AND account_id = @account_id",
            new { source, stream, account_id = accountId },
            cancellationToken: cancellationToken));
    }

    /// <summary>One statement, so one transaction: OUTPUT hands back what the DELETE removed.</summary>
    internal const string ResetStateSql =
        """
        DELETE FROM etl.sync_state
        OUTPUT deleted.stream, deleted.account_id, deleted.cursor_value
        WHERE source = @source AND (@stream IS NULL OR stream = @stream) AND (@account IS NULL OR account_id = @account);
        """;

    public async Task<DateOnly?> GetLoadedFromAsync(string source, string stream, string accountId, CancellationToken cancellationToken = default)
    {
        await using var connection = await warehouse.Connections.OpenAsync(cancellationToken);
        var day = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            """
            SELECT CONVERT(char(10), MIN(window_from), 23) FROM etl.sync_runs
            WHERE source = @source AND stream = @stream AND account_id = @account_id AND status = 'Succeeded'
            """,
            new { source, stream, account_id = accountId },
            cancellationToken: cancellationToken));
        return day is null ? null : DateOnly.ParseExact(day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<ResetStreamState>> ResetStateAsync(string source, string? stream, string? accountId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        await using var connection = await warehouse.Connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Stream, string AccountId, string? Cursor)>(new CommandDefinition(
            ResetStateSql, new { source, stream, account = accountId }, cancellationToken: cancellationToken));
        return rows.OrderBy(r => r.Stream, StringComparer.Ordinal).ThenBy(r => r.AccountId, StringComparer.Ordinal)
            .Select(r => new ResetStreamState(r.Stream, r.AccountId, r.Cursor)).ToList();
    }

    internal static async Task<IReadOnlyList<SyncRunRecord>> ReadRecentAsync(SqlConnection connection, int limit, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<RunRow>(new CommandDefinition(
            """
            SELECT TOP (@limit) run_id, source, stream, account_id, started_at, finished_at, status, rows_read, rows_written,
                   rows_rejected, api_calls, window_from, window_to, error
            FROM etl.sync_runs ORDER BY started_at DESC, source, stream, account_id
            """,
            new { limit },
            cancellationToken: cancellationToken));
        return rows.Select(r => new SyncRunRecord(r.run_id, r.source, r.stream, r.account_id)
        {
            StartedAt = r.started_at,
            FinishedAt = r.finished_at,
            Status = Enum.Parse<SyncRunStatus>(r.status),
            RowsRead = r.rows_read,
            RowsWritten = r.rows_written,
            RowsRejected = r.rows_rejected,
            ApiCalls = r.api_calls,
            WindowFrom = r.window_from is { } from ? DateOnly.FromDateTime(from) : null,
            WindowTo = r.window_to is { } to ? DateOnly.FromDateTime(to) : null,
            Error = r.error,
        }).ToList();
    }

    private static DynamicParameters Parameters(SyncRunRecord run)
    {
        var p = new DynamicParameters();
        p.Add("run_id", run.RunId, DbType.String, size: 64);
        p.Add("source", run.Source, DbType.String, size: 128);
        p.Add("stream", run.Stream, DbType.String, size: 128);
        p.Add("account_id", run.AccountId, DbType.String, size: 128);
        p.Add("started_at", run.StartedAt, DbType.DateTime2);
        p.Add("finished_at", run.FinishedAt, DbType.DateTime2);
        p.Add("status", run.Status.ToString(), DbType.String, size: 16);
        p.Add("rows_read", run.RowsRead, DbType.Int64);
        p.Add("rows_written", run.RowsWritten, DbType.Int64);
        p.Add("rows_rejected", run.RowsRejected, DbType.Int64);
        p.Add("api_calls", run.ApiCalls, DbType.Int64);
        p.Add("window_from", run.WindowFrom?.ToDateTime(TimeOnly.MinValue), DbType.Date);
        p.Add("window_to", run.WindowTo?.ToDateTime(TimeOnly.MinValue), DbType.Date);
        p.Add("error", run.Error, DbType.String, size: -1);
        return p;
    }

#pragma warning disable IDE1006, CA1812 // Dapper maps snake_case columns by name
    private sealed record RunRow(
        string run_id, string source, string stream, string account_id, DateTime started_at, DateTime? finished_at,
        string status, long rows_read, long rows_written, long rows_rejected, long api_calls,
        DateTime? window_from, DateTime? window_to, string? error);
#pragma warning restore IDE1006, CA1812
}
