using System.Data.Common;
using DuckDB.NET.Data;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Warehouse.Tests.LoaderContract;

/// <summary>The load contract on DuckDB: a fresh warehouse file per test, in its own temp folder.</summary>
public sealed class DuckDbLoaderContractTests : StagingLoaderContractTests
{
    private string folder = "";

    private string DbPath => Path.Combine(folder, "warehouse.duckdb");

    [SetUp]
    public void CreateFolder()
    {
        folder = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
    }

    [TearDown]
    public void DeleteFolder()
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still mapped by a failed test; the temp folder is cleaned by the OS.
        }
    }

    protected override async Task<IWarehouseEngine> OpenMigratedAsync(Func<StreamDescriptor, LoadWindow, CancellationToken, Task>? beforeCommit = null)
    {
        var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = DbPath, BeforeCommit = beforeCommit });
        await warehouse.MigrateAsync(ContractStreams.All);
        return warehouse;
    }

    protected override async Task<DbConnection> ConnectAsync()
    {
        var connection = new DuckDBConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        return connection;
    }
}
