using Dapper;
using DuckDB.NET.Data;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Warehouse.Tests;

/// <summary>A fresh warehouse file per test, in its own temp folder.</summary>
public abstract class WarehouseTestBase
{
    protected string Folder { get; private set; } = "";

    protected string DbPath => Path.Combine(Folder, "wh", "warehouse.duckdb");

    [SetUp]
    public void CreateFolder()
    {
        Folder = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    [TearDown]
    public void DeleteFolder()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still mapped by a failed test; the temp folder is cleaned by the OS.
        }
    }

    protected DuckDbWarehouse Open(DuckDbWarehouseOptions? options = null) =>
        DuckDbWarehouse.Open(options ?? new DuckDbWarehouseOptions { Path = DbPath });

    protected async Task<DuckDbWarehouse> OpenMigratedAsync(DuckDbWarehouseOptions? options = null)
    {
        var warehouse = Open(options);
        await warehouse.MigrateAsync([TestStreams.Daily, TestStreams.Contacts, TestStreams.Targets]);
        return warehouse;
    }

    /// <summary>Reads with a separate in-process connection (same database instance as the engine).</summary>
    protected async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var connection = new DuckDBConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        return (await connection.QueryAsync<T>(sql, args)).ToList();
    }

    protected async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var connection = new DuckDBConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, args))!;
    }
}
