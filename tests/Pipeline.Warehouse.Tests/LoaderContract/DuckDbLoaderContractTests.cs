using System.Data.Common;
using DuckDB.NET.Data;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Warehouse.Tests.LoaderContract;

/// <summary>The load contract on DuckDB: a fresh warehouse file per test, in its own temp folder.</summary>
public sealed class DuckDbLoaderContractTests : StagingLoaderContractTests
{
    private TempWarehouseFolder folder = null!;

    private string DbPath => folder.DbPath;

    [SetUp]
    public void CreateFolder() => folder = new TempWarehouseFolder();

    [TearDown]
    public void DeleteFolder() => folder.Dispose();

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
