using System.Data;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Data.SqlClient;
using Pipeline.Connectors.Streams;
using static Pipeline.Warehouse.SqlServer.SqlServerTypes;

namespace Pipeline.Warehouse.SqlServer;

/// <summary>
/// SQL Server load path. The batches stream through SqlBulkCopy into the session's <c>#load</c> table as they
/// arrive; then one transaction takes the stream's application lock, keeps rejects, replaces the window (report),
/// merges by key (entity) or replaces the account's rows (snapshot), and advances the cursor.
/// </summary>
internal sealed class SqlServerStagingLoader(SqlServerWarehouse warehouse, SqlServerWarehouseOptions options) : IStagingLoader
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

        await using var connection = await warehouse.Connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(LoadSql.CreateLoadTable(stream), cancellationToken: cancellationToken));
        try
        {
            var keyIndexes = stream.PrimaryKey.Select(stream.IndexOf).ToArray();
            var cursorIndex = stream.IndexOf(stream.CursorField);
            await using var reader = new RecordBatchDataReader(stream, Redacted(batches, cancellationToken), row => Check(stream, window, row, keyIndexes, cursorIndex), cancellationToken);
            using (var bulk = new SqlBulkCopy(connection)
            {
                DestinationTableName = LoadSql.LoadTable,
                // The source is the connector reading an API: it may take minutes, so no overall timeout.
                BulkCopyTimeout = 0,
                BatchSize = options.BulkCopyBatchSize,
                EnableStreaming = false,
            })
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    bulk.ColumnMappings.Add(reader.GetName(i), reader.GetName(i));
                }

                try
                {
                    await bulk.WriteToServerAsync(reader, cancellationToken);
                }
                catch (Exception ex) when (reader.SourceException is { } source && !ReferenceEquals(ex, source))
                {
                    // The connector failed (or was cancelled): report that, not SqlBulkCopy's wrapper around it.
                    ExceptionDispatchInfo.Capture(source).Throw();
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (stream.Kind == StreamKind.Snapshot && reader.Batches == 0)
            {
                // Nothing to replace: the source read nothing new (e.g. an unchanged file).
                var cursor = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                    LoadSql.ReadCursor,
                    new { source = stream.Source, stream = stream.Name, account_id = window.AccountId },
                    cancellationToken: cancellationToken));
                return new WindowLoadResult(0, 0, 0, cursor);
            }

            return await CommitAsync(connection, stream, window, reader.RowsRead, reader.Rejected, cancellationToken);
        }
        finally
        {
            await DropLoadTableAsync(connection);
        }
    }

    /// <summary>The batches with their connector rejects redacted (<see cref="StagingRows.Redacted"/>), as DuckDB keeps them.</summary>
    private static async IAsyncEnumerable<RecordBatch> Redacted(IAsyncEnumerable<RecordBatch> batches, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var batch in batches.WithCancellation(cancellationToken))
        {
            yield return batch.Rejects.Count == 0 ? batch : new RecordBatch(batch.Rows, [.. batch.Rejects.Select(StagingRows.Redacted)]);
        }
    }

    private static void ValidateWindow(StreamDescriptor stream, LoadWindow window)
    {
        if (string.IsNullOrWhiteSpace(window.AccountId) || string.IsNullOrWhiteSpace(window.RunId))
        {
            throw new LoadRejectedException($"{stream.Source}.{stream.Name}: a load needs an account id and a run id");
        }

        if (window.AccountId.Length > AccountIdLength || window.RunId.Length > 64)
        {
            throw new LoadRejectedException(
                $"{stream.Source}.{stream.Name}: account ids hold at most {AccountIdLength} characters and run ids 64 (got {window.AccountId.Length} and {window.RunId.Length})");
        }

        if (stream.Kind == StreamKind.Report && (window.From is null || window.To is null || window.From > window.To))
        {
            throw new LoadRejectedException($"{stream.Source}.{stream.Name}: a report stream needs a window with From <= To (got {window})");
        }
    }

    private static async Task DropLoadTableAsync(SqlConnection connection)
    {
        if (connection.State != ConnectionState.Open)
        {
            return;
        }

        try
        {
            await connection.ExecuteAsync(LoadSql.DropLoadTable);
        }
        catch (SqlException)
        {
            // The session is going away anyway (and takes its temp table with it); keep the load's own error.
        }
    }

    /// <summary>
    /// Why a row cannot be loaded, or null: the shared load contract, then what only SQL Server refuses (strings
    /// longer than their column, NaN and infinite floats). One bad row must not sink a window.
    /// </summary>
    internal static string? Check(StreamDescriptor stream, LoadWindow window, object?[] row, int[] keyIndexes, int cursorIndex)
    {
        if (StagingRows.Problem(stream, window, row, keyIndexes, cursorIndex) is { } problem)
        {
            return problem;
        }

        for (var i = 0; i < row.Length; i++)
        {
            var field = stream.Fields[i];
            if (row[i] is string text && MaxLength(stream, field) is { } max && text.Length > max)
            {
                return string.Create(CultureInfo.InvariantCulture, $"field '{field.Name}' has {text.Length} characters; its SQL Server column holds {max}");
            }

            if (row[i] is double d && !double.IsFinite(d))
            {
                return string.Create(CultureInfo.InvariantCulture, $"field '{field.Name}' is {d}; SQL Server float holds no NaN or infinity");
            }
        }

        return null;
    }

    private async Task<WindowLoadResult> CommitAsync(
        SqlConnection connection,
        StreamDescriptor stream,
        LoadWindow window,
        long read,
        long streamedRejects,
        CancellationToken cancellationToken)
    {
        var p = Parameters(stream, window, DateTime.UtcNow);
        var timeout = (int)options.CommandTimeout.TotalSeconds;

        await using var tx = (SqlTransaction)await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        Task<int> Execute(string sql) => connection.ExecuteAsync(new CommandDefinition(sql, p, tx, timeout, cancellationToken: cancellationToken));

        await LockStreamAsync(connection, tx, stream, window, cancellationToken);
        var duplicates = await Execute(LoadSql.DuplicateRejects(stream));
        await Execute(LoadSql.StreamedRejects);
        int written;
        if (stream.Kind == StreamKind.Entity)
        {
            written = await Execute(LoadSql.Merge(stream));
        }
        else
        {
            await Execute(LoadSql.Delete(stream));
            written = await Execute(LoadSql.Insert(stream));
        }

        var cursor = await NextCursorAsync(connection, tx, stream, window, timeout, cancellationToken);
        p.Add("cursor", cursor, DbType.String, size: 4000);
        await Execute(LoadSql.UpsertState);

        if (options.BeforeCommit is not null)
        {
            await options.BeforeCommit(stream, window, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        await tx.CommitAsync(CancellationToken.None);
        return new WindowLoadResult(read, written, streamedRejects + duplicates, cursor);
    }

    /// <summary>
    /// The stream's application lock, owned by the transaction: a second process committing the same stream of the
    /// same account waits up to <see cref="SqlServerWarehouseOptions.LockTimeout"/>, then gives up.
    /// </summary>
    private async Task LockStreamAsync(SqlConnection connection, SqlTransaction tx, StreamDescriptor stream, LoadWindow window, CancellationToken cancellationToken)
    {
        var resource = LockResource(stream, window.AccountId);
        var timeoutMs = (int)Math.Min(int.MaxValue, options.LockTimeout.TotalMilliseconds);
        var result = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            LoadSql.Lock,
            new { resource, timeout = timeoutMs },
            tx,
            (int)options.LockTimeout.TotalSeconds + 60,
            cancellationToken: cancellationToken));
        if (result < 0)
        {
            throw new WarehouseBusyException(
                $"warehouse is busy: another process is loading {stream.Source}.{stream.Name} of account {window.AccountId} " +
                $"(lock '{resource}' not granted within {options.LockTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s, code {result.ToString(CultureInfo.InvariantCulture)})");
        }
    }

    /// <summary>sp_getapplock's resource name (at most 255 characters): the stream and the account.</summary>
    internal static string LockResource(StreamDescriptor stream, string accountId)
    {
        var name = $"pipeline/load/{stream.Source}.{stream.Name}/{accountId}";
        return name.Length <= 255
            ? name
            : $"pipeline/load/{stream.Source}.{stream.Name}/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(accountId)));
    }

    private static DynamicParameters Parameters(StreamDescriptor stream, LoadWindow window, DateTime now)
    {
        var p = new DynamicParameters();
        p.Add("account_id", window.AccountId, DbType.String, size: AccountIdLength);
        p.Add("run_id", window.RunId, DbType.String, size: 64);
        p.Add("source", stream.Source, DbType.String, size: 128);
        p.Add("stream", stream.Name, DbType.String, size: 128);
        p.Add("now", now, DbType.DateTime2);
        p.Add("from", window.From?.ToDateTime(TimeOnly.MinValue), DbType.Date);
        p.Add("to", window.To?.ToDateTime(TimeOnly.MinValue), DbType.Date);
        return p;
    }

    /// <summary>The stored cursor moved by this load's rows, by the stream kind's rule (<see cref="StreamCursor.Advance"/>).</summary>
    private static async Task<string?> NextCursorAsync(SqlConnection connection, SqlTransaction tx, StreamDescriptor stream, LoadWindow window, int timeout, CancellationToken cancellationToken)
    {
        var previous = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            LoadSql.ReadCursor,
            new { source = stream.Source, stream = stream.Name, account_id = window.AccountId },
            tx,
            timeout,
            cancellationToken: cancellationToken));
        var max = stream.Kind == StreamKind.Report
            ? null
            : await connection.ExecuteScalarAsync<object?>(new CommandDefinition(
                LoadSql.MaxCursor(stream),
                transaction: tx,
                commandTimeout: timeout,
                cancellationToken: cancellationToken));
        return StreamCursor.Advance(stream, StreamCursor.Parse(stream, previous), window.To, max)?.Text;
    }
}
