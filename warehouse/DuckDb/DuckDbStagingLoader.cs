using Dapper;
using DuckDB.NET.Data;
using Pipeline.Connectors.Streams;
using static Pipeline.Warehouse.DuckDb.DuckDbTypes;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>
/// DuckDB load path. Report windows are appended straight into staging inside their transaction
/// (<see cref="DuckDbReportWindowLoader"/>). Entity and snapshot streams are appended with the Appender into a
/// connection-local temp table as they arrive (nothing holds a whole load in memory), because which staging rows they
/// replace is known only from their keys; then one transaction replaces or upserts by key, stores rejects and advances
/// the cursor.
/// </summary>
internal sealed class DuckDbStagingLoader(
    DuckDbWarehouse warehouse,
    Func<StreamDescriptor, LoadWindow, CancellationToken, Task>? beforeCommit) : IStagingLoader
{
    public async Task<WindowLoadResult> LoadWindowAsync(
        StreamDescriptor stream,
        LoadWindow window,
        IAsyncEnumerable<RecordBatch> batches,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(batches);
        ValidateWindow(stream, window);

        await using var connection = warehouse.OpenConnection();
        var suffix = Guid.NewGuid().ToString("N");
        var loadTable = $"load_{suffix}";
        var rejectTable = $"reject_{suffix}";
        if (stream.Kind == StreamKind.Report)
        {
            await connection.ExecuteAsync($"CREATE TEMP TABLE {Quote(rejectTable)} (reason VARCHAR NOT NULL, payload VARCHAR);");
            try
            {
                return await DuckDbReportWindowLoader.LoadAsync(connection, stream, window, batches, rejectTable, beforeCommit, cancellationToken);
            }
            finally
            {
                await connection.ExecuteAsync($"DROP TABLE IF EXISTS temp.{Quote(rejectTable)};");
            }
        }

        await CreateLoadTablesAsync(connection, stream, loadTable, rejectTable);
        try
        {
            var (read, appendedRejects, batchCount) = await AppendAsync(connection, stream, window, loadTable, rejectTable, batches, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            if (stream.Kind == StreamKind.Snapshot && batchCount == 0)
            {
                // Nothing to replace: the source read nothing new (e.g. an unchanged file).
                var cursor = await connection.ExecuteScalarAsync<string?>(
                    "SELECT cursor_value FROM etl.sync_state WHERE source = $source AND stream = $stream AND account_id = $account_id",
                    new { source = stream.Source, stream = stream.Name, account_id = window.AccountId });
                return new WindowLoadResult(0, 0, 0, cursor);
            }

            return await CommitAsync(connection, stream, window, loadTable, rejectTable, read, appendedRejects, cancellationToken);
        }
        finally
        {
            await connection.ExecuteAsync($"DROP TABLE IF EXISTS temp.{Quote(loadTable)}; DROP TABLE IF EXISTS temp.{Quote(rejectTable)};");
        }
    }

    private static void ValidateWindow(StreamDescriptor stream, LoadWindow window)
    {
        if (string.IsNullOrWhiteSpace(window.AccountId) || string.IsNullOrWhiteSpace(window.RunId))
        {
            throw new LoadRejectedException($"{stream.Source}.{stream.Name}: a load needs an account id and a run id");
        }

        if (stream.Kind == StreamKind.Report && (window.From is null || window.To is null || window.From > window.To))
        {
            throw new LoadRejectedException($"{stream.Source}.{stream.Name}: a report stream needs a window with From <= To (got {window})");
        }
    }

    private static async Task CreateLoadTablesAsync(DuckDBConnection connection, StreamDescriptor stream, string loadTable, string rejectTable)
    {
        var columns = string.Join(", ", stream.Fields.Select(f => $"{Quote(f.Name)} {ColumnType(f.Type)}"));
        await connection.ExecuteAsync(
            $"""
            CREATE TEMP TABLE {Quote(loadTable)} (_seq BIGINT NOT NULL, {columns});
            CREATE TEMP TABLE {Quote(rejectTable)} (reason VARCHAR NOT NULL, payload VARCHAR);
            """);
    }

    private static async Task<(long Read, long Rejects, long Batches)> AppendAsync(
        DuckDBConnection connection,
        StreamDescriptor stream,
        LoadWindow window,
        string loadTable,
        string rejectTable,
        IAsyncEnumerable<RecordBatch> batches,
        CancellationToken cancellationToken)
    {
        long seq = 0, read = 0, rejects = 0, batchCount = 0;
        var keyIndexes = stream.PrimaryKey.Select(stream.IndexOf).ToArray();
        var cursorIndex = stream.IndexOf(stream.CursorField);
        using var appender = new BoundedAppender(connection, null, loadTable);
        using var rejectAppender = connection.CreateAppender(rejectTable);
        await foreach (var batch in batches.WithCancellation(cancellationToken))
        {
            batchCount++;
            read += batch.Rejects.Count;
            rejects += AppendConnectorRejects(rejectAppender, batch);

            foreach (var row in batch.Rows)
            {
                read++;
                if (RejectedAsProblem(rejectAppender, stream, window, row, keyIndexes, cursorIndex))
                {
                    rejects++;
                    continue;
                }

                var appenderRow = appender.CreateRow().AppendValue((long?)seq++);
                for (var i = 0; i < stream.Fields.Count; i++)
                {
                    appenderRow = AppendTyped(appenderRow, stream.Fields[i].Type, row[i]);
                }

                appenderRow.EndRow();
            }
        }

        return (read, rejects, batchCount);
    }

    /// <summary>
    /// Whether the row cannot be loaded (<see cref="StagingRows.Problem"/>: wrong shape, a required or key field missing,
    /// a value of the wrong type); such a row goes to the load's reject table with its reason instead of staging.
    /// </summary>
    internal static bool RejectedAsProblem(DuckDBAppender rejectAppender, StreamDescriptor stream, LoadWindow window, object?[] row, int[] keyIndexes, int cursorIndex)
    {
        if (StagingRows.Problem(stream, window, row, keyIndexes, cursorIndex) is not { } problem)
        {
            return false;
        }

        rejectAppender.CreateRow().AppendValue(problem).AppendValue(StagingRows.Payload(stream, row)).EndRow();
        return true;
    }

    /// <summary>The batch's connector rejects, redacted, into the load's reject table; returns how many.</summary>
    internal static int AppendConnectorRejects(DuckDBAppender rejectAppender, RecordBatch batch)
    {
        foreach (var reject in batch.Rejects.Select(StagingRows.Redacted))
        {
            rejectAppender.CreateRow().AppendValue(reject.Reason).AppendValue(reject.Payload).EndRow();
        }

        return batch.Rejects.Count;
    }

    internal static IDuckDBAppenderRow AppendTyped(IDuckDBAppenderRow row, FieldType type, object? value)
    {
        if (value is null)
        {
            return row.AppendNullValue();
        }

        return type switch
        {
            FieldType.String or FieldType.Json => row.AppendValue((string)value),
            FieldType.Int64 => row.AppendValue((long?)(long)value),
            FieldType.Decimal => row.AppendValue((decimal?)(decimal)value),
            FieldType.Double => row.AppendValue((double?)(double)value),
            FieldType.Boolean => row.AppendValue((bool?)(bool)value),
            FieldType.Date => row.AppendValue((DateOnly?)(DateOnly)value),
            FieldType.Timestamp => row.AppendValue((DateTime?)(DateTime)value),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown field type"),
        };
    }

    /// <summary>
    /// Whether a key appears more than once in <paramref name="rowsFrom"/> (what follows FROM): a hash aggregate over
    /// one 64-bit hash of the key rather than its columns. GA4's key is a dozen text columns, whose hash table took
    /// ~45-60 MB of DuckDB's buffers per window (make bench, GA4 1M rows); the hashes take a few MB. Equal keys hash
    /// alike, so no repeat is missed; a collision (about one in 10^9 for a window of 100k rows) only sends the load
    /// through the exact ranking, which then finds nothing to reject.
    /// </summary>
    internal static string RepeatsKeyQuery(string rowsFrom, string keyList) =>
        $"SELECT EXISTS (SELECT 1 FROM {rowsFrom} GROUP BY hash({keyList}) HAVING count(*) > 1)";

    private async Task<WindowLoadResult> CommitAsync(
        DuckDBConnection connection,
        StreamDescriptor stream,
        LoadWindow window,
        string loadTable,
        string rejectTable,
        long read,
        long appendedRejects,
        CancellationToken cancellationToken)
    {
        var staging = StagingTable(stream);
        var load = Quote(loadTable);
        var keyList = string.Join(", ", stream.PrimaryKey.Select(Quote));
        var fieldList = string.Join(", ", stream.Fields.Select(f => Quote(f.Name)));
        var keyStruct = "{" + string.Join(", ", stream.PrimaryKey.Select(k => $"'{k}': {Quote(k)}")) + "}";
        var now = DateTime.UtcNow;
        var p = new
        {
            account_id = window.AccountId,
            run_id = window.RunId,
            source = stream.Source,
            stream = stream.Name,
            now,
            from = window.From,
            to = window.To,
        };

        await using var tx = await connection.BeginTransactionAsync(cancellationToken);

        // Within one load the last record for a key wins; the earlier ones are kept as rejects, not silently dropped.
        // Loads rarely repeat a key: one hash aggregate finds out, and only then are rows ranked (a sort of the load).
        var repeatsKey = await connection.ExecuteScalarAsync<bool>(
            RepeatsKeyQuery(load, keyList), transaction: tx);
        var duplicates = !repeatsKey ? 0 : await connection.ExecuteAsync(
            $"""
            INSERT INTO etl.rejected_records (run_id, source, stream, account_id, rejected_at, reason, payload)
            SELECT $run_id, $source, $stream, $account_id, $now,
                   'duplicate primary key within one load; the later record was kept',
                   to_json({keyStruct})::VARCHAR
            FROM (SELECT {keyList}, row_number() OVER (PARTITION BY {keyList} ORDER BY _seq DESC) AS rn FROM {load})
            WHERE rn > 1
            """,
            p,
            tx);
        await SaveRejectsAsync(connection, tx, rejectTable, p);

        if (stream.Kind == StreamKind.Snapshot)
        {
            await connection.ExecuteAsync($"DELETE FROM {staging} WHERE _account_id = $account_id", p, tx);
        }
        else
        {
            var keyMatch = string.Join(" AND ", stream.PrimaryKey.Select(k => $"{staging}.{Quote(k)} = l.{Quote(k)}"));
            await connection.ExecuteAsync(
                $"DELETE FROM {staging} USING (SELECT DISTINCT {keyList} FROM {load}) l WHERE {staging}._account_id = $account_id AND {keyMatch}",
                p,
                tx);
        }

        var latest = repeatsKey
            ? $"(SELECT *, row_number() OVER (PARTITION BY {keyList} ORDER BY _seq DESC) AS rn FROM {load}) WHERE rn = 1"
            : load;
        var written = await connection.ExecuteAsync(
            $"""
            INSERT INTO {staging} ({fieldList}, _account_id, _run_id, _loaded_at)
            SELECT {fieldList}, $account_id, $run_id, $now
            FROM {latest}
            """,
            p,
            tx);

        var maxSeen = await connection.ExecuteScalarAsync<object?>($"SELECT max({Quote(stream.CursorField)}) FROM {load}", transaction: tx);
        var cursor = await SaveCursorAsync(connection, tx, stream, window, maxSeen, now);

        if (beforeCommit is not null)
        {
            await beforeCommit(stream, window, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await tx.CommitAsync(CancellationToken.None);
        return new WindowLoadResult(read, written, appendedRejects + duplicates, cursor);
    }

    /// <summary>The load's rejects (connector rejects and rows that failed the checks) into etl.rejected_records.</summary>
    internal static Task SaveRejectsAsync(DuckDBConnection connection, System.Data.Common.DbTransaction tx, string rejectTable, object p) =>
        connection.ExecuteAsync(
            $"""
            INSERT INTO etl.rejected_records (run_id, source, stream, account_id, rejected_at, reason, payload)
            SELECT $run_id, $source, $stream, $account_id, $now, reason, payload FROM {Quote(rejectTable)}
            """,
            p,
            tx);

    /// <summary>
    /// Moves the stored cursor by this load's rows, by the stream kind's rule (<see cref="StreamCursor.Advance"/>:
    /// a report's is its window end, so <paramref name="maxSeen"/> is null there), and stores it.
    /// </summary>
    internal static async Task<string?> SaveCursorAsync(DuckDBConnection connection, System.Data.Common.DbTransaction tx, StreamDescriptor stream, LoadWindow window, object? maxSeen, DateTime now)
    {
        var key = new { source = stream.Source, stream = stream.Name, account_id = window.AccountId };
        var previous = await connection.ExecuteScalarAsync<string?>(
            "SELECT cursor_value FROM etl.sync_state WHERE source = $source AND stream = $stream AND account_id = $account_id", key, tx);
        var cursor = StreamCursor.Advance(stream, StreamCursor.Parse(stream, previous), window.To, maxSeen)?.Text;
        await connection.ExecuteAsync(
            """
            INSERT INTO etl.sync_state (source, stream, account_id, cursor_value, updated_at, run_id)
            VALUES ($source, $stream, $account_id, $cursor, $now, $run_id)
            ON CONFLICT (source, stream, account_id) DO UPDATE
            SET cursor_value = excluded.cursor_value, updated_at = excluded.updated_at, run_id = excluded.run_id
            """,
            new { key.source, key.stream, key.account_id, cursor, now, run_id = window.RunId },
            tx);
        return cursor;
    }
}
