using Dapper;
using DuckDB.NET.Data;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Warehouse.Tests;

/// <summary>
/// What keeps a DuckDB load's native memory bounded (make bench measures the figures): the appender hands its rows to
/// the table every few vectors instead of gathering 204,800, and while it appends jemalloc gives freed pages back
/// without a decay.
/// </summary>
[NonParallelizable] // the allocator's decay is one per process, and loaders in other tests change it
public sealed class DuckDbMemoryTests
{
    private TempWarehouseFolder folder = null!;

    [SetUp]
    public void CreateFolder() => folder = new TempWarehouseFolder();

    [TearDown]
    public void DeleteFolder() => folder.Dispose();

    [Test]
    public async Task The_bounded_appender_hands_rows_to_the_table_every_few_rows_inside_the_transaction()
    {
        await using var connection = new DuckDBConnection($"Data Source={folder.DbPath}");
        await connection.OpenAsync();
        await connection.ExecuteAsync("CREATE TABLE t (n BIGINT)");
        await using var tx = await connection.BeginTransactionAsync();
        using (var appender = new BoundedAppender(connection, null, "t", rowsPerFlush: 3))
        {
            Append(appender, 7);

            // Rows 0-5 went to the table at two flushes; row 6 waits in the appender until Close.
            Assert.That(appender.Flushes, Is.EqualTo(2));
            Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM t", transaction: tx), Is.EqualTo(6));
            appender.Close();
        }

        Assert.That(await connection.QueryAsync<long>("SELECT n FROM t ORDER BY n", transaction: tx), Is.EqualTo(new long[] { 0, 1, 2, 3, 4, 5, 6 }));
        await tx.RollbackAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM t"), Is.Zero, "flushed rows are the transaction's: a rollback removes them");
    }

    [Test]
    public void The_bounded_appender_flushes_in_whole_vectors()
    {
        Assert.That(BoundedAppender.RowsPerFlush % 2048, Is.Zero, "a flush of whole vectors (DuckDB's 2,048 rows)");
        Assert.That(BoundedAppender.RowsPerFlush, Is.LessThan(204_800), "fewer rows than DuckDB's own appender gathers");
    }

    [Test]
    public async Task While_a_large_append_runs_duckdbs_jemalloc_returns_freed_pages_at_once_and_afterwards_as_duckdb_set_it()
    {
        await using var connection = new DuckDBConnection($"Data Source={folder.DbPath}");
        await connection.OpenAsync();
        await connection.ExecuteAsync("CREATE TABLE t (n BIGINT)");
        var duckDbs = DuckDbNativeAllocator.DirtyDecayMs();
        if (duckDbs is null)
        {
            Assert.Ignore("this platform's DuckDB build has no jemalloc (it bundles one on Linux only)");
        }

        Assert.That(duckDbs, Is.Positive, "DuckDB keeps freed pages for a while outside appends");
        var duckDbsMuzzy = DuckDbNativeAllocator.MuzzyDecayMs();
        Assert.That(duckDbsMuzzy, Is.Positive, "and returns them lazily (MADV_FREE) for a while before it purges them");
        using (var first = new BoundedAppender(connection, null, "t", rowsPerFlush: 2))
        {
            Append(first, 2);
            Assert.That(DuckDbNativeAllocator.DirtyDecayMs(), Is.EqualTo(duckDbs), "a small append (no flush yet) keeps DuckDB's decay");
            Append(first, 1);
            Assert.That(DuckDbNativeAllocator.DirtyDecayMs(), Is.Zero, "a large one returns freed pages at once");
            Assert.That(DuckDbNativeAllocator.MuzzyDecayMs(), Is.Zero, "and not lazily: they leave the resident set");
            using (var second = new BoundedAppender(connection, null, "t", rowsPerFlush: 1))
            {
                Append(second, 2);
            }

            Assert.That(DuckDbNativeAllocator.DirtyDecayMs(), Is.Zero, "another large append still runs");
        }

        Assert.That(DuckDbNativeAllocator.DirtyDecayMs(), Is.EqualTo(duckDbs));
        Assert.That(DuckDbNativeAllocator.MuzzyDecayMs(), Is.EqualTo(duckDbsMuzzy));
    }

    [Test]
    public async Task Jemallocs_statistics_are_fresh_and_count_what_duckdb_allocates()
    {
        if (DuckDbNativeAllocator.Statistics() is not { } before)
        {
            Assert.Ignore("this platform's DuckDB build has no jemalloc (it bundles one on Linux only)");
            return;
        }

        await using var connection = new DuckDBConnection($"Data Source={folder.DbPath}");
        await connection.OpenAsync();
        await connection.ExecuteAsync("SET threads = 1; CREATE TEMP TABLE held AS SELECT range AS n, repeat('x', 100) || range AS s FROM range(200000)");
        var holding = DuckDbNativeAllocator.Statistics()!.Value;

        // ~200k rows of ~106-byte strings plus their numbers stay allocated in the temporary table.
        Assert.That(holding.Allocated - before.Allocated, Is.GreaterThan(16L << 20), "the table's rows are counted as they are allocated");
        Assert.That(holding.Resident, Is.GreaterThanOrEqualTo(holding.Allocated), "what is allocated is resident");
    }

    private static void Append(BoundedAppender appender, int rows)
    {
        for (var n = 0L; n < rows; n++)
        {
            appender.CreateRow().AppendValue((long?)n).EndRow();
        }
    }
}
