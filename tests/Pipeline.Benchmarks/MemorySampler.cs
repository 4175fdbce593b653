using Dapper;
using DuckDB.NET.Data;

namespace Pipeline.Benchmarks;

/// <summary>
/// Samples, every 100 ms, the managed heap's committed bytes and what DuckDB's buffer manager holds, keeping the
/// peaks: the working set alone does not say whose memory it is.
/// </summary>
internal sealed class MemorySampler : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private long peakManaged;
    private long peakDuckDb;
    private long peakUncheckpointed;
    private long peakSpilled;
    private long peakAnon;
    private long peakFile;
    private long peakJemallocResident;
    private long peakJemallocAllocated;
    private long peakJemallocLazilyFreed;

    public MemorySampler(string warehouse)
    {
        loop = Task.Run(() => RunAsync(warehouse, stop.Token));
    }

    public double PeakManagedMb => Volatile.Read(ref peakManaged) / (1024.0 * 1024.0);

    public double PeakDuckDbMb => Volatile.Read(ref peakDuckDb) / (1024.0 * 1024.0);

    /// <summary>
    /// Peak of DuckDB's buffers holding rows committed since the last checkpoint, not yet compressed into the file
    /// (duckdb_memory() tag IN_MEMORY_TABLE): a loaded window stays there until a checkpoint.
    /// </summary>
    public double PeakUncheckpointedMb => Volatile.Read(ref peakUncheckpointed) / (1024.0 * 1024.0);

    /// <summary>Peak of what DuckDB had spilled to its temp file to stay under memory_limit.</summary>
    public double PeakSpilledMb => Volatile.Read(ref peakSpilled) / (1024.0 * 1024.0);

    /// <summary>Peak anonymous resident memory (heaps, DuckDB's allocations, stacks, JIT data): what the process allocated.</summary>
    public double PeakAnonMb => Volatile.Read(ref peakAnon) / (1024.0 * 1024.0);

    /// <summary>Peak file-backed and shared resident memory: mapped code (runtime, assemblies, libduckdb) and JIT'd code.</summary>
    public double PeakFileMb => Volatile.Read(ref peakFile) / (1024.0 * 1024.0);

    /// <summary>Peak resident memory of DuckDB's bundled jemalloc (its buffers and everything else it allocates); 0 where it has none.</summary>
    public double PeakJemallocResidentMb => Volatile.Read(ref peakJemallocResident) / (1024.0 * 1024.0);

    /// <summary>Peak bytes DuckDB had allocated through jemalloc (live allocations, without jemalloc's freed-but-kept pages).</summary>
    public double PeakJemallocAllocatedMb => Volatile.Read(ref peakJemallocAllocated) / (1024.0 * 1024.0);

    /// <summary>Peak of the freed pages jemalloc returned lazily (MADV_FREE): resident until the kernel needs them, outside its resident figure.</summary>
    public double PeakJemallocLazilyFreedMb => Volatile.Read(ref peakJemallocLazilyFreed) / (1024.0 * 1024.0);

    private async Task RunAsync(string warehouse, CancellationToken cancellationToken)
    {
        DuckDBConnection? connection = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                Max(ref peakManaged, GC.GetGCMemoryInfo().TotalCommittedBytes);
                SampleResident();
                SampleJemalloc();
                if (connection is null && File.Exists(warehouse))
                {
                    connection = new DuckDBConnection($"Data Source={warehouse}");
                    await connection.OpenAsync(cancellationToken);
                }

                if (connection is not null)
                {
                    var (buffers, uncheckpointed, spilled) = await connection.QuerySingleAsync<(long, long, long)>(
                        """
                        SELECT coalesce(sum(memory_usage_bytes), 0)::BIGINT,
                               coalesce(sum(memory_usage_bytes) FILTER (WHERE tag = 'IN_MEMORY_TABLE'), 0)::BIGINT,
                               coalesce(sum(temporary_storage_bytes), 0)::BIGINT
                        FROM duckdb_memory()
                        """);
                    Max(ref peakDuckDb, buffers);
                    Max(ref peakUncheckpointed, uncheckpointed);
                    Max(ref peakSpilled, spilled);
                }

                await Task.Delay(100, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    /// <summary>RssAnon and RssFile + RssShmem from /proc/self/status (Linux; elsewhere both stay 0).</summary>
    private void SampleResident()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return;
        }

        long file = 0;
        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                Max(ref peakAnon, Kilobytes(line) * 1024);
            }
            else if (line.StartsWith("RssFile:", StringComparison.Ordinal) || line.StartsWith("RssShmem:", StringComparison.Ordinal))
            {
                file += Kilobytes(line) * 1024;
            }
        }

        Max(ref peakFile, file);
    }

    private void SampleJemalloc()
    {
        if (Pipeline.Warehouse.DuckDb.DuckDbNativeAllocator.Statistics() is { } jemalloc)
        {
            Max(ref peakJemallocResident, jemalloc.Resident);
            Max(ref peakJemallocAllocated, jemalloc.Allocated);
            Max(ref peakJemallocLazilyFreed, jemalloc.LazilyFreed);
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static void Max(ref long peak, long value)
    {
        long current;
        while (value > (current = Volatile.Read(ref peak)) && Interlocked.CompareExchange(ref peak, value, current) != current)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await loop;
        stop.Dispose();
    }
}
