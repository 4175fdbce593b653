using System.Net.Sockets;
using Microsoft.Data.SqlClient;
using Testcontainers.MsSql;

namespace Pipeline.Warehouse.SqlServer.Tests.Integration;

/// <summary>
/// The SQL Server the integration tests run on: <c>PIPELINE_TEST_SQLSERVER</c> (a connection string; its login needs
/// to create and drop databases) if set, else a SQL Server 2022 container started once through Testcontainers when
/// a Docker engine answers. Neither: every integration test is skipped with the reason, at once (no long timeout).
/// Where the server is given but unreachable, the tests fail: that is a broken server, not a missing one.
/// </summary>
internal static class SqlServerTarget
{
    public const string SkipReason = "no SQL Server: set PIPELINE_TEST_SQLSERVER or run a Docker engine";
    public const string Image = "mcr.microsoft.com/mssql/server:2022-latest";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? serverConnectionString;
    private static string? unavailable;
    private static MsSqlContainer? container;

    /// <summary>A connection string to the server (any database); ignores the calling test when there is none.</summary>
    public static async Task<string> ConnectionStringAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (serverConnectionString is not null)
            {
                return serverConnectionString;
            }

            if (unavailable is not null)
            {
                Skip(unavailable);
            }

            var configured = Environment.GetEnvironmentVariable("PIPELINE_TEST_SQLSERVER");
            if (!string.IsNullOrWhiteSpace(configured))
            {
                serverConnectionString = configured;
                return serverConnectionString;
            }

            if (!DockerEngine.IsReachable(out var why))
            {
                unavailable = SkipReason;
                TestContext.Progress.WriteLine($"SQL Server integration tests skipped: {SkipReason} ({why})");
                Skip(unavailable);
            }

            container = new MsSqlBuilder(Image).Build();
            await container.StartAsync();
            serverConnectionString = container.GetConnectionString();
            return serverConnectionString;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>
    /// Skips the test with the reason; where CI promised a server (<c>PIPELINE_TEST_SQLSERVER_REQUIRED=1</c>) a missing one
    /// fails instead, so a broken service cannot turn the integration job green by skipping everything.
    /// </summary>
    private static void Skip(string reason)
    {
        if (Environment.GetEnvironmentVariable("PIPELINE_TEST_SQLSERVER_REQUIRED") == "1")
        {
            Assert.Fail(reason + " (PIPELINE_TEST_SQLSERVER_REQUIRED=1)");
        }

        Assert.Ignore(reason);
    }

    /// <summary>The same server with another database.</summary>
    public static string WithDatabase(string server, string database) =>
        new SqlConnectionStringBuilder(server) { InitialCatalog = database }.ConnectionString;

    public static async Task DropDatabaseAsync(string server, string database)
    {
        SqlConnection.ClearAllPools();
        await using var connection = new SqlConnection(WithDatabase(server, "master"));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            IF DB_ID(@name) IS NOT NULL
            BEGIN
                DECLARE @sql nvarchar(max) = N'ALTER DATABASE ' + QUOTENAME(@name) + N' SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE ' + QUOTENAME(@name) + N';';
                EXEC (@sql);
            END
            """;
        command.Parameters.AddWithValue("@name", database);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task StopAsync()
    {
        if (container is not null)
        {
            await container.DisposeAsync();
            container = null;
        }
    }
}

/// <summary>Whether a Docker engine answers, found the way the Docker CLI finds it, within a second or two.</summary>
internal static class DockerEngine
{
    public static bool IsReachable(out string why)
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(host))
        {
            if (host.StartsWith("npipe:", StringComparison.OrdinalIgnoreCase))
            {
                why = "named pipe";
                return true;
            }

            if (Uri.TryCreate(host, UriKind.Absolute, out var uri) && uri.Scheme is "tcp" or "http" or "https")
            {
                return Connects(new System.Net.DnsEndPoint(uri.Host, uri.Port), AddressFamily.Unspecified, ProtocolType.Tcp, host, out why);
            }

            var path = host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : host;
            return Connects(new UnixDomainSocketEndPoint(path), AddressFamily.Unix, ProtocolType.Unspecified, path, out why);
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        var sockets = new[] { "/var/run/docker.sock", Path.Combine(home, ".docker", "run", "docker.sock"), runtime is null ? "" : Path.Combine(runtime, "docker.sock") }
            .Where(p => p.Length > 0 && File.Exists(p)).ToList();
        if (OperatingSystem.IsWindows())
        {
            why = "Windows (Docker Desktop pipe)";
            return true;
        }

        foreach (var socket in sockets)
        {
            if (Connects(new UnixDomainSocketEndPoint(socket), AddressFamily.Unix, ProtocolType.Unspecified, socket, out why))
            {
                return true;
            }
        }

        why = sockets.Count == 0 ? "no DOCKER_HOST and no docker.sock" : "no engine answers on " + string.Join(", ", sockets);
        return false;
    }

    private static bool Connects(System.Net.EndPoint endPoint, AddressFamily family, ProtocolType protocol, string where, out string why)
    {
        try
        {
            using var socket = family == AddressFamily.Unix
                ? new Socket(AddressFamily.Unix, SocketType.Stream, protocol)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            socket.ConnectAsync(endPoint, timeout.Token).AsTask().GetAwaiter().GetResult();
            why = "engine at " + where;
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
        {
            why = $"no engine answers on {where} ({ex.Message})";
            return false;
        }
    }
}

/// <summary>Stops the container (if one was started) after the last integration test.</summary>
[SetUpFixture]
public sealed class SqlServerTargetCleanup
{
    [OneTimeTearDown]
    public Task StopAsync() => SqlServerTarget.StopAsync();
}
