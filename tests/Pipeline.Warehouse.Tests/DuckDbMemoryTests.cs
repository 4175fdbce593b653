using Dapper;
using DuckDB.NET.Data;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Warehouse.Tests;

/// <summary>
/// What keeps a DuckDB load's native memory bounded (make bench measures the figures): the appender hands its rows to
/// the table every few vectors instead of gathering 204,800, and jemalloc gives freed pages back without a decay.
/// </summary>
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
            for (var n = 0L; n < 7; n++)
            {
                appender.CreateRow().AppendValue((long?)n).EndRow();
            }

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
    public async Task Opening_a_warehouse_sets_duckdbs_jemalloc_to_return_freed_pages_without_decay()
    {
        await using var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = folder.DbPath });
        var decay = DuckDbNativeAllocator.DirtyDecayMs();
        if (decay is null)
        {
            Assert.Ignore("this platform's DuckDB build has no jemalloc (it bundles one on Linux only)");
        }

        Assert.That(decay, Is.Zero);
    }
}
