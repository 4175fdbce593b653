using DuckDB.NET.Data;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Warehouse.Tests;

/// <summary>DuckDB's own words for a spill disk that is full are recognised and named as a full disk.</summary>
public sealed class DuckDbDiskFullTests
{
    [Test]
    public async Task A_query_that_cannot_spill_is_named_as_a_full_disk()
    {
        using var folder = new TempWarehouseFolder();
        await using var connection = new DuckDBConnection($"Data Source={folder.DbPath}");
        await connection.OpenAsync();
        await using (var setup = connection.CreateCommand())
        {
            // As on a full disk: no room for temporary files, and too little memory to sort without them.
            setup.CommandText = "SET memory_limit='32MB'; SET threads=1; SET preserve_insertion_order=false; SET max_temp_directory_size='0KB'";
            await setup.ExecuteNonQueryAsync();
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE t AS SELECT i, md5(i::VARCHAR) AS h FROM range(3000000) r(i) ORDER BY h";
        var error = Assert.ThrowsAsync<WarehouseDiskFullException>(() => DuckDbDiskFull.NamedAsync(() => command.ExecuteNonQueryAsync()));

        Assert.That(error!.Message, Does.StartWith("No space left on device for DuckDB's temporary files"));
        Assert.That(error.InnerException, Is.InstanceOf<DuckDBException>().And.Message.Contains("max_temp_directory_size"));
    }

    [Test]
    public void Other_errors_keep_their_words()
    {
        Assert.That(DuckDbDiskFull.Name("Catalog Error: Table with name x does not exist!"), Is.EqualTo("Catalog Error: Table with name x does not exist!"));
    }
}
