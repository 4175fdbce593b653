using Dapper;
using Microsoft.Data.SqlClient;

namespace Pipeline.Warehouse.SqlServer.Tests.Integration;

/// <summary>A fresh database per test on the integration server, dropped afterwards.</summary>
[Category("SqlServer")]
public abstract class SqlServerTestBase
{
    protected string Server { get; private set; } = "";

    protected string Database { get; private set; } = "";

    protected string ConnectionString => SqlServerTarget.WithDatabase(Server, Database);

    [SetUp]
    public async Task CreateDatabaseNameAsync()
    {
        Server = await SqlServerTarget.ConnectionStringAsync();
        Database = "pipeline_it_" + Guid.NewGuid().ToString("N")[..12];
    }

    [TearDown]
    public async Task DropDatabaseAsync()
    {
        if (Server.Length > 0 && Environment.GetEnvironmentVariable("PIPELINE_TEST_SQLSERVER_KEEP") != "1")
        {
            await SqlServerTarget.DropDatabaseAsync(Server, Database);
        }
    }

    protected SqlServerWarehouseOptions Options(Func<SqlServerWarehouseOptions, SqlServerWarehouseOptions>? change = null)
    {
        var options = new SqlServerWarehouseOptions { ConnectionString = ConnectionString, LockTimeout = TimeSpan.FromSeconds(5) };
        return change is null ? options : change(options);
    }

    protected SqlServerWarehouse Open(SqlServerWarehouseOptions? options = null) => SqlServerWarehouse.Open(options ?? Options());

    protected async Task<SqlServerWarehouse> OpenMigratedAsync(SqlServerWarehouseOptions? options = null)
    {
        var warehouse = Open(options);
        await warehouse.MigrateAsync(TestStreams.All);
        return warehouse;
    }

    protected async Task<List<T>> QueryAsync<T>(string sql, object? args = null)
    {
        await using var connection = new SqlConnection(ConnectionString);
        return (await connection.QueryAsync<T>(sql, args)).ToList();
    }

    protected async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var connection = new SqlConnection(ConnectionString);
        return (await connection.ExecuteScalarAsync<T>(sql, args))!;
    }

    protected async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var connection = new SqlConnection(ConnectionString);
        await connection.ExecuteAsync(sql, args);
    }
}
