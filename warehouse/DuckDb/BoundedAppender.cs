using DuckDB.NET.Data;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>
/// A DuckDB appender that hands its rows to the table every <see cref="RowsPerFlush"/> rows. DuckDB's appender
/// gathers 204,800 rows (100 vectors) in memory of its own before it appends them, outside the buffer pool and its
/// memory_limit: on the GA4 1M-row ingest (make bench) jemalloc held ~145 MB at the peak where duckdb_memory()
/// accounted ~65. Flushing every 20,480 rows took ~40 MB off the peak working set. Closing the appender flushes it;
/// a new one continues on the same connection and transaction, so what the rows mean and when they commit are
/// unchanged. After its first flush, DuckDB's freed pages go back at once (<see cref="DuckDbNativeAllocator"/>).
/// </summary>
internal sealed class BoundedAppender : IDisposable
{
    /// <summary>Ten vectors: the appender's own chunk is one vector (2,048 rows), so each flush appends whole ones.</summary>
    internal const int RowsPerFlush = 10 * 2048;

    private readonly DuckDBConnection connection;
    private readonly string? schema;
    private readonly string table;
    private readonly int rowsPerFlush;
    private IDisposable? freedPagesReturned;
    private DuckDBAppender appender;
    private int pending;

    public BoundedAppender(DuckDBConnection connection, string? schema, string table, int rowsPerFlush = RowsPerFlush)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerFlush, 1);
        this.connection = connection;
        this.schema = schema;
        this.table = table;
        this.rowsPerFlush = rowsPerFlush;
        appender = Create();
    }

    /// <summary>Flushes made so far (tests).</summary>
    internal int Flushes { get; private set; }

    /// <summary>A new row; the previous one has ended (the appender's own rule), so a flush here splits no row.</summary>
    public IDuckDBAppenderRow CreateRow()
    {
        if (pending == rowsPerFlush)
        {
            appender.Close();
            appender.Dispose();
            appender = Create();
            pending = 0;
            Flushes++;

            // A large append from here on: its freed pages go back at once. A small one (a daily run's window) does
            // not pay for the purges: with every window in the scope, the many-accounts run took ~35 % more CPU.
            freedPagesReturned ??= DuckDbNativeAllocator.ReturnFreedPagesWhileAppending();
        }

        pending++;
        return appender.CreateRow();
    }

    /// <summary>
    /// Hands the caller the scope in which freed pages go back at once, if this was a large append (null if not), so it
    /// lasts past this appender's disposal, through the window's commit; the caller disposes it.
    /// </summary>
    public IDisposable? KeepFreedPagesReturned()
    {
        var scope = freedPagesReturned;
        freedPagesReturned = null;
        return scope;
    }

    /// <summary>Appends what is pending to the table (a failure surfaces here, not at dispose).</summary>
    public void Close() => appender.Close();

    public void Dispose()
    {
        try
        {
            appender.Dispose();
        }
        finally
        {
            freedPagesReturned?.Dispose();
        }
    }

    private DuckDBAppender Create() => schema is null ? connection.CreateAppender(table) : connection.CreateAppender(schema, table);
}
