using System.Data.Common;
using Microsoft.Data.SqlClient;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse.Tests.LoaderContract;

namespace Pipeline.Warehouse.SqlServer.Tests.Integration;

/// <summary>
/// The load contract (<see cref="StagingLoaderContractTests"/>, compiled in from the DuckDB test project) on a real
/// SQL Server: a fresh database per test, dropped afterwards; skipped with <see cref="SqlServerTarget.SkipReason"/>
/// where there is no server.
/// </summary>
[Category("SqlServer")]
public sealed class SqlServerLoaderContractTests : StagingLoaderContractTests
{
    private string server = "";
    private string database = "";

    private string ConnectionString => SqlServerTarget.WithDatabase(server, database);

    [SetUp]
    public async Task CreateDatabaseNameAsync()
    {
        server = await SqlServerTarget.ConnectionStringAsync();
        database = "pipeline_lc_" + Guid.NewGuid().ToString("N")[..12];
    }

    [TearDown]
    public async Task DropDatabaseAsync()
    {
        if (server.Length > 0 && Environment.GetEnvironmentVariable("PIPELINE_TEST_SQLSERVER_KEEP") != "1")
        {
            await SqlServerTarget.DropDatabaseAsync(server, database);
        }
    }

    protected override async Task<IWarehouseEngine> OpenMigratedAsync(Func<StreamDescriptor, LoadWindow, CancellationToken, Task>? beforeCommit = null)
    {
        var warehouse = SqlServerWarehouse.Open(new SqlServerWarehouseOptions
        {
            ConnectionString = ConnectionString,
            LockTimeout = TimeSpan.FromSeconds(5),
            BeforeCommit = beforeCommit,
        });
        await warehouse.MigrateAsync(ContractStreams.All);
        return warehouse;
    }

    protected override async Task<DbConnection> ConnectAsync()
    {
        var connection = new SqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
