namespace Pipeline.Warehouse.SqlServer.Tests;

public sealed class ConnectionTests
{
    private const string Secret = "S3cr3t-Pa55word";

    [Test]
    public void Location_shows_server_and_database_never_credentials()
    {
        var warehouse = SqlServerWarehouse.Open(new SqlServerWarehouseOptions
        {
            ConnectionString = $"Server=tcp:sql.example.com,1433;Database=marketing;User ID=pipeline;Password={Secret};Encrypt=True",
        });

        Assert.That(warehouse.Location, Is.EqualTo("tcp:sql.example.com,1433/marketing"));
        Assert.That(warehouse.Name, Is.EqualTo("sqlserver"));
    }

    [TestCase("", "is empty")]
    [TestCase("Server=db;User ID=u;Password=" + Secret, "names no warehouse database")]
    [TestCase("Server=db;Database=master;Password=" + Secret, "names no warehouse database")]
    [TestCase("Database=wh;Password=" + Secret, "names no server")]
    [TestCase("Server=db;Database=wh;Pasword=" + Secret, "is not valid")]
    [TestCase("Server=db;Database=wh;Authentication=Active Directory Password;User ID=a@b.c;Password=" + Secret, "is not supported by this build")]
    [TestCase("Server=db;Database=wh;Authentication=Active Directory Service Principal", "needs the application id")]
    public void A_bad_connection_string_names_the_problem_but_not_the_secret(string connectionString, string problem)
    {
        var ex = Assert.Throws<ArgumentException>(() => SqlServerWarehouse.Open(new SqlServerWarehouseOptions { ConnectionString = connectionString }));

        Assert.That(ex!.Message, Does.StartWith("Warehouse:SqlServer:ConnectionString").And.Contain(problem));
        Assert.That(ex.Message, Does.Not.Contain(Secret));
    }

    [TestCase("Active Directory Default")]
    [TestCase("Active Directory Managed Identity")]
    [TestCase("Active Directory Workload Identity")]
    public void Entra_modes_are_served_by_a_token_callback(string mode)
    {
        var connections = SqlServerConnections.Parse($"Server=tcp:x.database.windows.net;Database=wh;Authentication={mode}");

        using var connection = connections.Create();
        Assert.That(connection.AccessTokenCallback, Is.Not.Null);
        Assert.That(connection.ConnectionString, Does.Not.Contain("Authentication"), "SqlClient 7 has no Entra provider of its own");
    }

    [Test]
    public void A_service_principal_secret_stays_out_of_the_connection_string()
    {
        var connections = SqlServerConnections.Parse($"Server=tcp:x.database.windows.net;Database=wh;Authentication=Active Directory Service Principal;User ID=app-id;Password={Secret}");

        using var connection = connections.Create();
        Assert.That(connection.AccessTokenCallback, Is.Not.Null);
        Assert.That(connection.ConnectionString, Does.Not.Contain(Secret));
    }

    [Test]
    public void SQL_and_integrated_authentication_pass_through()
    {
        using var sql = SqlServerConnections.Parse($"Server=db;Database=wh;User ID=u;Password={Secret}").Create();
        using var integrated = SqlServerConnections.Parse("Server=db;Database=wh;Integrated Security=true").Create();

        Assert.That(sql.AccessTokenCallback, Is.Null);
        Assert.That(integrated.AccessTokenCallback, Is.Null);
        Assert.That(sql.Database, Is.EqualTo("wh"));
    }

    [Test]
    public void Master_connections_keep_the_credentials_but_switch_the_catalog()
    {
        using var master = SqlServerConnections.Parse("Server=db;Database=wh;Integrated Security=true").Create("master");

        Assert.That(master.Database, Is.EqualTo("master"));
    }
}
