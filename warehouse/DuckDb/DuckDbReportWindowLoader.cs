using Dapper;
using DuckDB.NET.Data;
using Pipeline.Connectors.Streams;
using static Pipeline.Warehouse.DuckDb.DuckDbTypes;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>
/// A report window replaces a date range of one account, so its rows need no staging copy of their own: inside one
/// transaction the range is deleted and the rows are appended straight into the staging table. DuckDB writes the
/// appended row groups to the database file as they fill and keeps them invisible until COMMIT, so a failure or a kill
/// before COMMIT leaves staging as it was, and no temp table is filled and then copied (half the work and buffers).
/// </summary>
internal static class DuckDbReportWindowLoader
{
    public static async Task<WindowLoadResult> LoadAsync(
        DuckDBConnection connection,
        StreamDescriptor stream,
        LoadWindow window,
        IAsyncEnumerable<RecordBatch> batches,
        string rejectTable,
        Func<StreamDescriptor, LoadWindow, CancellationToken, Task>? beforeCommit,
        CancellationToken cancellationToken)
    {
        var staging = StagingTable(stream);
        var inWindow = $"_account_id = $account_id AND {Quote(stream.CursorField)} BETWEEN $from AND $to";
        var now = DateTime.UtcNow;
        var p = new { account_id = window.AccountId, run_id = window.RunId, source = stream.Source, stream = stream.Name, now, from = window.From, to = window.To };

        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync($"DELETE FROM {staging} WHERE {inWindow}", p, tx);

        var columns = await StagingColumnsAsync(connection, tx, stream);
        // A large window's duplicate check and commit free as much as its append did: the appender's scope, in which
        // freed pages go back at once (see DuckDbNativeAllocator), lasts until the commit.
        var (read, rejects, appended, freedPagesReturned) = await AppendAsync(connection, stream, window, columns, now, rejectTable, batches, cancellationToken);
        using var largeWindow = freedPagesReturned;
        cancellationToken.ThrowIfCancellationRequested();

        var duplicates = await RejectEarlierDuplicatesAsync(connection, tx, stream, staging, inWindow, p);
        await DuckDbStagingLoader.SaveRejectsAsync(connection, tx, rejectTable, p);
        var cursor = await DuckDbStagingLoader.SaveCursorAsync(connection, tx, stream, window, maxSeen: null, now);

        if (beforeCommit is not null)
        {
            await beforeCommit(stream, window, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await tx.CommitAsync(CancellationToken.None);
        return new WindowLoadResult(read, appended - duplicates, rejects + duplicates, cursor);
    }

    /// <summary>Where each staging column's value comes from, in the table's own order (fields a connector added later sit after <c>_loaded_at</c>).</summary>
    private static async Task<ColumnSource[]> StagingColumnsAsync(DuckDBConnection connection, System.Data.Common.DbTransaction tx, StreamDescriptor stream)
    {
        var names = await connection.QueryAsync<string>(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'staging' AND table_name = $table ORDER BY column_index",
            new { table = stream.TableName },
            tx);
        return [.. names.Select(name => name switch
        {
            "_account_id" => ColumnSource.AccountId,
            "_run_id" => ColumnSource.RunId,
            "_loaded_at" => ColumnSource.LoadedAt,
            _ => stream.Fields.Select(f => f.Name).ToList().IndexOf(name) is var field and >= 0 ? new ColumnSource(field) : ColumnSource.Dropped,
        })];
    }

    private static async Task<(long Read, long Rejects, long Appended, IDisposable? FreedPagesReturned)> AppendAsync(
        DuckDBConnection connection,
        StreamDescriptor stream,
        LoadWindow window,
        ColumnSource[] columns,
        DateTime now,
        string rejectTable,
        IAsyncEnumerable<RecordBatch> batches,
        CancellationToken cancellationToken)
    {
        long read = 0, rejects = 0, appended = 0;
        var keyIndexes = stream.PrimaryKey.Select(stream.IndexOf).ToArray();
        var cursorIndex = stream.IndexOf(stream.CursorField);
        var fieldTypes = stream.Fields.Select(f => f.Type).ToArray();
        using var rejectAppender = connection.CreateAppender(rejectTable);
        using var appender = new BoundedAppender(connection, "staging", stream.TableName);
        await foreach (var batch in batches.WithCancellation(cancellationToken))
        {
            rejects += DuckDbStagingLoader.AppendConnectorRejects(rejectAppender, batch);
            read += batch.Rejects.Count;
            foreach (var row in batch.Rows)
            {
                read++;
                if (DuckDbStagingLoader.RejectedAsProblem(rejectAppender, stream, window, row, keyIndexes, cursorIndex))
                {
                    rejects++;
                    continue;
                }

                var appenderRow = appender.CreateRow();
                foreach (var column in columns)
                {
                    appenderRow = column.Field switch
                    {
                        >= 0 => DuckDbStagingLoader.AppendTyped(appenderRow, fieldTypes[column.Field], row[column.Field]),
                        ColumnSource.AccountIdSlot => appenderRow.AppendValue(window.AccountId),
                        ColumnSource.RunIdSlot => appenderRow.AppendValue(window.RunId),
                        ColumnSource.LoadedAtSlot => appenderRow.AppendValue((DateTime?)now),
                        _ => appenderRow.AppendNullValue(), // DroppedSlot: a column of a field the stream no longer has
                    };
                }

                appenderRow.EndRow();
                appended++;
            }
        }

        // Flushed here, inside the transaction: a failure above disposes the appender and the transaction rolls it back.
        appender.Close();
        return (read, rejects, appended, appender.KeepFreedPagesReturned());
    }

    /// <summary>
    /// Within one load the last record for a key wins; the earlier ones are kept as rejects, not silently dropped.
    /// The window's rows are exactly this load's (the range was deleted first), and rows this transaction appended get
    /// row ids in append order, so the latest is the highest rowid. Loads rarely repeat a key: one hash aggregate finds
    /// out (<see cref="DuckDbStagingLoader.RepeatsKeyQuery"/>), and only then are rows ranked.
    /// </summary>
    private static async Task<long> RejectEarlierDuplicatesAsync(DuckDBConnection connection, System.Data.Common.DbTransaction tx, StreamDescriptor stream, string staging, string inWindow, object p)
    {
        var keyList = string.Join(", ", stream.PrimaryKey.Select(Quote));
        var repeatsKey = await connection.ExecuteScalarAsync<bool>(
            DuckDbStagingLoader.RepeatsKeyQuery($"{staging} WHERE {inWindow}", keyList), p, tx);
        if (!repeatsKey)
        {
            return 0;
        }

        var keyStruct = "{" + string.Join(", ", stream.PrimaryKey.Select(k => $"'{k}': {Quote(k)}")) + "}";
        var earlier = $"SELECT rowid AS rid, {keyList} FROM (SELECT rowid, {keyList}, row_number() OVER (PARTITION BY {keyList} ORDER BY rowid DESC) AS rn FROM {staging} WHERE {inWindow}) WHERE rn > 1";
        await connection.ExecuteAsync(
            $"""
            INSERT INTO etl.rejected_records (run_id, source, stream, account_id, rejected_at, reason, payload)
            SELECT $run_id, $source, $stream, $account_id, $now,
                   'duplicate primary key within one load; the later record was kept',
                   to_json({keyStruct})::VARCHAR
            FROM ({earlier})
            """,
            p,
            tx);
        return await connection.ExecuteAsync($"DELETE FROM {staging} WHERE rowid IN (SELECT rid FROM ({earlier}))", p, tx);
    }

    /// <summary>A staging column's value: a field of the row (its index), or one of the load's own columns.</summary>
    private readonly record struct ColumnSource(int Field)
    {
        public const int AccountIdSlot = -1;
        public const int RunIdSlot = -2;
        public const int LoadedAtSlot = -3;
        public const int DroppedSlot = -4;

        public static ColumnSource AccountId => new(AccountIdSlot);

        public static ColumnSource RunId => new(RunIdSlot);

        public static ColumnSource LoadedAt => new(LoadedAtSlot);

        public static ColumnSource Dropped => new(DroppedSlot);
    }
}
