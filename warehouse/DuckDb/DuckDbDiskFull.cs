using System.Data.Common;
using DuckDB.NET.Data;
using Pipeline.Connectors.Streams;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>
/// DuckDB reports a disk too full for the temporary files it spills to past its memory_limit as "Out of Memory Error:
/// failed to offload data block ... max_temp_directory_size" (that setting defaults to the free space), and a full
/// database disk as an IO error. The cause a user must act on is the disk: the run log, the alert and the console line
/// say so first. The one place that knows DuckDB's wording.
/// </summary>
public static class DuckDbDiskFull
{
    public const string Cause = "No space left on device";

    public static bool Is(Exception exception) =>
        exception is DuckDBException or DuckDbStatementException && IsSpill(exception.Message);

    /// <summary>The message with the cause named first when DuckDB described a full disk as memory; else as it was.</summary>
    public static string Name(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return IsSpill(message) ? $"{Cause} for DuckDB's temporary files (it spills there past Warehouse:DuckDb:MemoryLimit): {message}" : message;
    }

    /// <summary>Runs <paramref name="work"/>, turning DuckDB's spill-disk error into <see cref="WarehouseDiskFullException"/>.</summary>
    public static async Task<T> NamedAsync<T>(Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        try
        {
            return await work();
        }
        catch (DbException ex) when (Is(ex))
        {
            throw new WarehouseDiskFullException(Name(ex.Message), ex);
        }
    }

    private static bool IsSpill(string message) =>
        message.Contains("failed to offload data block", StringComparison.Ordinal) && message.Contains("max_temp_directory_size", StringComparison.Ordinal);

    /// <summary>The DuckDB loader with its disk-full failures named (the window is rolled back either way).</summary>
    internal sealed class Loader(IStagingLoader inner) : IStagingLoader
    {
        public Task<WindowLoadResult> LoadWindowAsync(StreamDescriptor stream, LoadWindow window, IAsyncEnumerable<RecordBatch> batches, CancellationToken cancellationToken = default) =>
            NamedAsync(() => inner.LoadWindowAsync(stream, window, batches, cancellationToken));
    }
}
