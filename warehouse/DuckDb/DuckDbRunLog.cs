using System.Collections.Concurrent;
using Dapper;
using DuckDB.NET.Data;

namespace Pipeline.Warehouse.DuckDb;

internal sealed class DuckDbRunLog(DuckDbWarehouse warehouse) : IRunLog
{
    internal const string InterruptedError = "interrupted: the process ended (killed or crashed) before this window finished; nothing of it was committed";

    /// <summary>Runs started by this process, in any warehouse it opened.</summary>
    private static readonly ConcurrentDictionary<string, bool> LiveRuns = new(StringComparer.Ordinal);

    public async Task RunStartedAsync(SyncRunRecord run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        await using var connection = warehouse.OpenConnection();
        if (LiveRuns.TryAdd(run.RunId, true))
        {
            await CloseInterruptedAsync(connection, run.StartedAt);
        }

        await connection.ExecuteAsync(
            """
            INSERT INTO etl.sync_runs (run_id, source, stream, account_id, started_at, status, window_from, window_to)
            VALUES ($run_id, $source, $stream, $account_id, $started_at, $status, $window_from, $window_to)
            """,
            Parameters(run));
    }

    /// <summary>
    /// Windows a killed or crashed process left 'Running' would stay so for ever (and never count as failures).
    /// The warehouse file is locked by one process at a time, so once this process holds it a 'Running' window of a
    /// run it did not start cannot be running any more: it is recorded as failed, saying why.
    /// </summary>
    private static async Task CloseInterruptedAsync(DuckDBConnection connection, DateTime now)
    {
        var stale = (await connection.QueryAsync<string>("SELECT DISTINCT run_id FROM etl.sync_runs WHERE status = 'Running'"))
            .Where(id => !LiveRuns.ContainsKey(id))
            .ToList();
        foreach (var runId in stale)
        {
            await connection.ExecuteAsync(
                """
                UPDATE etl.sync_runs SET status = 'Failed', finished_at = $now, error = $error
                WHERE run_id = $run_id AND status = 'Running'
                """,
                new { run_id = runId, now, error = InterruptedError });
        }
    }

    public async Task RunFinishedAsync(SyncRunRecord run, CancellationToken cancellationToken = default)
    {
        await using var connection = warehouse.OpenConnection();
        await connection.ExecuteAsync(
            """
            UPDATE etl.sync_runs
            SET finished_at = $finished_at, status = $status, rows_read = $rows_read, rows_written = $rows_written,
                rows_rejected = $rows_rejected, api_calls = $api_calls, error = $error
            WHERE run_id = $run_id AND source = $source AND stream = $stream AND account_id = $account_id
              AND window_from IS NOT DISTINCT FROM $window_from
            """,
            Parameters(run));
    }

    public async Task<string?> GetCursorAsync(string source, string stream, string accountId, CancellationToken cancellationToken = default)
    {
        await using var connection = warehouse.OpenConnection();
        return await connection.ExecuteScalarAsync<string?>(
            "SELECT cursor_value FROM etl.sync_state WHERE source = $source AND stream = $stream AND account_id = $account_id",
            new { source, stream, account_id = accountId });
    }

    public async Task<DateOnly?> GetLoadedFromAsync(string source, string stream, string accountId, CancellationToken cancellationToken = default)
    {
        await using var connection = warehouse.OpenConnection();
        var day = await connection.ExecuteScalarAsync<string?>(
            """
            SELECT strftime(min(window_from), '%Y-%m-%d') FROM etl.sync_runs
            WHERE source = $source AND stream = $stream AND account_id = $account_id AND status = 'Succeeded'
            """,
            new { source, stream, account_id = accountId });
        return day is null ? null : DateOnly.ParseExact(day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyList<ResetStreamState>> ResetStateAsync(string source, string? stream, string? accountId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        const string Where = "source = $source AND ($stream IS NULL OR stream = $stream) AND ($account IS NULL OR account_id = $account)";
        var parameters = new { source, stream, account = accountId };
        await using var connection = warehouse.OpenConnection();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<(string Stream, string AccountId, string? Cursor)>(new CommandDefinition(
            $"SELECT stream, account_id, cursor_value FROM etl.sync_state WHERE {Where} ORDER BY stream, account_id",
            parameters, transaction, cancellationToken: cancellationToken))).ToList();
        if (rows.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition($"DELETE FROM etl.sync_state WHERE {Where}", parameters, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return rows.Select(r => new ResetStreamState(r.Stream, r.AccountId, r.Cursor)).ToList();
    }

    internal static async Task<IReadOnlyList<SyncRunRecord>> ReadRecentAsync(DuckDBConnection connection, int limit)
    {
        var rows = await connection.QueryAsync<RunRow>(
            """
            SELECT run_id, source, stream, account_id, started_at, finished_at, status, rows_read, rows_written,
                   rows_rejected, api_calls, window_from, window_to, error
            FROM etl.sync_runs ORDER BY started_at DESC, source, stream, account_id LIMIT $limit
            """,
            new { limit });
        return rows.Select(r => new SyncRunRecord(r.run_id, r.source, r.stream, r.account_id)
        {
            StartedAt = r.started_at,
            FinishedAt = r.finished_at,
            Status = Enum.Parse<SyncRunStatus>(r.status),
            RowsRead = r.rows_read,
            RowsWritten = r.rows_written,
            RowsRejected = r.rows_rejected,
            ApiCalls = r.api_calls,
            WindowFrom = r.window_from,
            WindowTo = r.window_to,
            Error = r.error,
        }).ToList();
    }

    private static object Parameters(SyncRunRecord run) => new
    {
        run_id = run.RunId,
        source = run.Source,
        stream = run.Stream,
        account_id = run.AccountId,
        started_at = run.StartedAt,
        finished_at = run.FinishedAt,
        status = run.Status.ToString(),
        rows_read = run.RowsRead,
        rows_written = run.RowsWritten,
        rows_rejected = run.RowsRejected,
        api_calls = run.ApiCalls,
        window_from = run.WindowFrom,
        window_to = run.WindowTo,
        error = run.Error,
    };

#pragma warning disable IDE1006, CA1812 // Dapper maps snake_case columns by name
    private sealed record RunRow(
        string run_id, string source, string stream, string account_id, DateTime started_at, DateTime? finished_at,
        string status, long rows_read, long rows_written, long rows_rejected, long api_calls,
        DateOnly? window_from, DateOnly? window_to, string? error);
#pragma warning restore IDE1006, CA1812
}
