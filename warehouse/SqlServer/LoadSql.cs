using Pipeline.Connectors.Streams;
using static Pipeline.Warehouse.SqlServer.SqlServerTypes;

namespace Pipeline.Warehouse.SqlServer;

/// <summary>
/// The T-SQL of one window's load, per stream. Parameters: <c>@account_id, @run_id, @source, @stream, @now,
/// @from, @to, @cursor</c>. Kept apart from the loader so tests can parse every statement for every stream.
/// </summary>
internal static class LoadSql
{
    public const string LoadTable = "#load";

    public const string DuplicateReason = "duplicate primary key within one load; the later record was kept";

    private const string Seq = RecordBatchDataReader.SeqColumn;
    private const string Reason = RecordBatchDataReader.RejectReasonColumn;
    private const string Payload = RecordBatchDataReader.RejectPayloadColumn;

    /// <summary>The session's load table: the stream's fields as staging types, plus arrival order and reject columns.</summary>
    public static string CreateLoadTable(StreamDescriptor stream)
    {
        // COLLATE DATABASE_DEFAULT: temp tables otherwise take tempdb's collation, and comparing them with staging
        // columns of another collation fails.
        static string Collate(string type) => type.StartsWith("nvarchar", StringComparison.Ordinal) ? type + " COLLATE DATABASE_DEFAULT" : type;
        var columns = string.Join(",\n    ", stream.Fields.Select(f => $"{Quote(f.Name)} {Collate(ColumnType(stream, f))} NULL"));
        return $"""
            IF OBJECT_ID(N'tempdb..{LoadTable}') IS NOT NULL DROP TABLE {LoadTable};
            CREATE TABLE {LoadTable} (
                {Seq} bigint NOT NULL,
                {columns},
                {Reason} nvarchar({RecordBatchDataReader.ReasonLength}) COLLATE DATABASE_DEFAULT NULL,
                {Payload} nvarchar(max) COLLATE DATABASE_DEFAULT NULL
            );
            """;
    }

    public const string DropLoadTable = $"IF OBJECT_ID(N'tempdb..{LoadTable}') IS NOT NULL DROP TABLE {LoadTable};";

    /// <summary>The stream's application lock, owned by the transaction. Parameters: @resource, @timeout (ms).</summary>
    public const string Lock =
        """
        DECLARE @result int;
        EXEC @result = sys.sp_getapplock @Resource = @resource, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = @timeout;
        SELECT @result;
        """;

    /// <summary>Earlier records of a key within one load, kept as rejects (the last one wins).</summary>
    public static string DuplicateRejects(StreamDescriptor stream)
    {
        var keyJson = string.Join(", ", stream.PrimaryKey.Select(k => $"d.{Quote(k)} AS {Quote(k)}"));
        return $"""
            INSERT INTO etl.rejected_records (run_id, source, stream, account_id, rejected_at, reason, payload)
            SELECT @run_id, @source, @stream, @account_id, @now, N'{DuplicateReason}',
                   (SELECT {keyJson} FOR JSON PATH, WITHOUT_ARRAY_WRAPPER)
            FROM {Latest(stream)} AS d
            WHERE d._rn > 1;
            """;
    }

    /// <summary>Connector rejects and rows the loader refused, as they streamed in.</summary>
    public const string StreamedRejects =
        $"""
        INSERT INTO etl.rejected_records (run_id, source, stream, account_id, rejected_at, reason, payload)
        SELECT @run_id, @source, @stream, @account_id, @now, {Reason}, {Payload}
        FROM {LoadTable}
        WHERE {Reason} IS NOT NULL
        ORDER BY {Seq};
        """;

    /// <summary>Report streams: the window's rows of the account; snapshot streams: all the account's rows.</summary>
    public static string Delete(StreamDescriptor stream) => stream.Kind switch
    {
        StreamKind.Report => $"DELETE FROM {StagingTable(stream)} WHERE _account_id = @account_id AND {Quote(stream.CursorField)} BETWEEN @from AND @to;",
        StreamKind.Snapshot => $"DELETE FROM {StagingTable(stream)} WHERE _account_id = @account_id;",
        _ => throw new ArgumentException($"{stream.Source}.{stream.Name} is an entity stream: it is merged, not replaced", nameof(stream)),
    };

    /// <summary>The last record of each key, after <see cref="Delete"/>.</summary>
    public static string Insert(StreamDescriptor stream)
    {
        var fields = FieldList(stream);
        return $"""
            INSERT INTO {StagingTable(stream)} ({fields}, _account_id, _run_id, _loaded_at)
            SELECT {fields}, @account_id, @run_id, @now
            FROM {Latest(stream)} AS l
            WHERE l._rn = 1;
            """;
    }

    /// <summary>Entity streams: upsert the last record of each key.</summary>
    public static string Merge(StreamDescriptor stream)
    {
        var fields = FieldList(stream);
        var match = string.Join(" AND ", stream.PrimaryKey.Select(k => $"t.{Quote(k)} = s.{Quote(k)}"));
        var set = string.Join(", ", stream.Fields.Where(f => !stream.PrimaryKey.Contains(f.Name)).Select(f => $"t.{Quote(f.Name)} = s.{Quote(f.Name)}")
            .Append("t._run_id = @run_id").Append("t._loaded_at = @now"));
        return $"""
            MERGE {StagingTable(stream)} WITH (HOLDLOCK) AS t
            USING (SELECT {fields} FROM {Latest(stream)} AS l WHERE l._rn = 1) AS s
            ON t._account_id = @account_id AND {match}
            WHEN MATCHED THEN UPDATE SET {set}
            WHEN NOT MATCHED BY TARGET THEN
                INSERT ({fields}, _account_id, _run_id, _loaded_at)
                VALUES ({string.Join(", ", stream.Fields.Select(f => "s." + Quote(f.Name)))}, @account_id, @run_id, @now);
            """;
    }

    public const string ReadCursor =
        "SELECT cursor_value FROM etl.sync_state WHERE source = @source AND stream = @stream AND account_id = @account_id;";

    public static string MaxCursor(StreamDescriptor stream) =>
        $"SELECT MAX({Quote(stream.CursorField)}) FROM {LoadTable} WHERE {Reason} IS NULL;";

    public const string UpsertState =
        """
        UPDATE etl.sync_state SET cursor_value = @cursor, updated_at = @now, run_id = @run_id
        WHERE source = @source AND stream = @stream AND account_id = @account_id;
        IF @@ROWCOUNT = 0
            INSERT INTO etl.sync_state (source, stream, account_id, cursor_value, updated_at, run_id)
            VALUES (@source, @stream, @account_id, @cursor, @now, @run_id);
        """;

    private static string FieldList(StreamDescriptor stream) => string.Join(", ", stream.Fields.Select(f => Quote(f.Name)));

    /// <summary>The load table's rows ranked newest first within each key (<c>_rn = 1</c> is the one that wins).</summary>
    private static string Latest(StreamDescriptor stream) =>
        $"(SELECT *, ROW_NUMBER() OVER (PARTITION BY {string.Join(", ", stream.PrimaryKey.Select(Quote))} ORDER BY {Seq} DESC) AS _rn " +
        $"FROM {LoadTable} WHERE {Reason} IS NULL)";
}
