using DuckDB.NET.Data;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Warehouse.Tests;

/// <summary>The refresh's statements run unprepared on DuckDB: still in the connection's transaction, failing in DuckDB's words.</summary>
public sealed class DuckDbMartRefreshSqlTests
{
    [Test]
    public async Task A_statement_runs_in_the_transaction_the_connection_has_open()
    {
        using var folder = new TempWarehouseFolder();
        await using var connection = await OpenWithTableAsync(folder);

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await Sql.ExecuteAsync(connection, transaction, "INSERT INTO t VALUES (1), (2)", CancellationToken.None);
            Assert.That(await CountAsync(connection), Is.EqualTo(2L), "visible inside the transaction");
            await transaction.RollbackAsync();
        }

        Assert.That(await CountAsync(connection), Is.Zero, "rolled back with the transaction");
    }

    [Test]
    public async Task A_failing_statement_throws_with_DuckDBs_message_and_leaves_the_transaction_to_roll_back()
    {
        using var folder = new TempWarehouseFolder();
        await using var connection = await OpenWithTableAsync(folder);
        await using var transaction = await connection.BeginTransactionAsync();
        await Sql.ExecuteAsync(connection, transaction, "INSERT INTO t VALUES (1)", CancellationToken.None);

        var error = Assert.ThrowsAsync<DuckDbStatementException>(() => Sql.ExecuteAsync(connection, transaction, "INSERT INTO missing VALUES (1)", CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith("Catalog Error").And.Contain("missing"));
        await transaction.RollbackAsync();
        Assert.That(await CountAsync(connection), Is.Zero);
    }

    [Test]
    public async Task A_statement_that_cannot_spill_is_named_as_a_full_disk()
    {
        using var folder = new TempWarehouseFolder();
        await using var connection = await OpenWithTableAsync(folder);
        // As on a full disk: no room for temporary files, and too little memory to sort without them.
        await Sql.ExecuteAsync(connection, null, "SET memory_limit='32MB'; SET threads=1; SET preserve_insertion_order=false; SET max_temp_directory_size='0KB'", CancellationToken.None);

        var error = Assert.ThrowsAsync<WarehouseDiskFullException>(() => DuckDbDiskFull.NamedAsync(async () =>
        {
            await Sql.ExecuteAsync(connection, null, "CREATE TABLE sorted AS SELECT i, md5(i::VARCHAR) AS h FROM range(3000000) r(i) ORDER BY h", CancellationToken.None);
            return 0;
        }));

        Assert.That(error!.Message, Does.StartWith("No space left on device for DuckDB's temporary files"));
        Assert.That(error.InnerException, Is.InstanceOf<DuckDbStatementException>());
    }

    private static readonly DuckDbMartRefreshSql Sql = DuckDbMartRefreshSql.Instance;

    /// <summary>A connection to a new warehouse file holding an empty table t (i INTEGER), made by the statement path under test.</summary>
    private static async Task<DuckDBConnection> OpenWithTableAsync(TempWarehouseFolder folder)
    {
        var connection = new DuckDBConnection($"Data Source={folder.DbPath}");
        await connection.OpenAsync();
        await Sql.ExecuteAsync(connection, null, "CREATE TABLE t (i INTEGER)", CancellationToken.None);
        return connection;
    }

    private static async Task<long> CountAsync(DuckDBConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM t";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
