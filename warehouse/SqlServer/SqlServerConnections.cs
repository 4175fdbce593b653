using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Identity;
using Dapper;
using Microsoft.Data.SqlClient;

namespace Pipeline.Warehouse.SqlServer;

/// <summary>
/// Opens connections to the warehouse database from the configured connection string. Integrated and SQL
/// authentication pass through to SqlClient; Entra (<c>Authentication=Active Directory Default | Managed Identity |
/// Service Principal | Workload Identity</c>) gets its tokens from Azure.Identity through SqlClient's token callback,
/// because SqlClient 7 no longer ships Entra providers of its own. Nothing here ever prints the string.
/// </summary>
internal sealed partial class SqlServerConnections
{
    private readonly string connectionString;
    private readonly Func<SqlAuthenticationParameters, CancellationToken, Task<SqlAuthenticationToken>>? tokenCallback;

    private SqlServerConnections(string connectionString, string server, string database, Func<SqlAuthenticationParameters, CancellationToken, Task<SqlAuthenticationToken>>? tokenCallback)
    {
        this.connectionString = connectionString;
        Server = server;
        Database = database;
        this.tokenCallback = tokenCallback;
    }

    public string Server { get; }

    public string Database { get; }

    /// <summary>Parses and checks the connection string; every error message names the problem, never a value.</summary>
    public static SqlServerConnections Parse(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("Warehouse:SqlServer:ConnectionString is empty");
        }

        SqlConnectionStringBuilder builder;
        try
        {
            builder = new SqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            // SqlClient's messages name the keyword or the position, not the value.
            throw new ArgumentException($"Warehouse:SqlServer:ConnectionString is not valid: {ex.Message}");
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new ArgumentException("Warehouse:SqlServer:ConnectionString names no server (Server=...)");
        }

        if (string.IsNullOrWhiteSpace(builder.InitialCatalog) || builder.InitialCatalog.Equals("master", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("Warehouse:SqlServer:ConnectionString names no warehouse database (Database=...; not master)");
        }

        var server = builder.DataSource;
        var database = builder.InitialCatalog;
        var callback = EntraTokens(builder);
        return new SqlServerConnections(builder.ConnectionString, server, database, callback);
    }

    /// <summary>A new, closed connection; <paramref name="database"/> overrides the catalog (master for CREATE DATABASE).</summary>
    public SqlConnection Create(string? database = null)
    {
        var cs = connectionString;
        if (database is not null)
        {
            cs = new SqlConnectionStringBuilder(connectionString) { InitialCatalog = database }.ConnectionString;
        }

        var connection = new SqlConnection(cs);
        if (tokenCallback is not null)
        {
            connection.AccessTokenCallback = tokenCallback;
        }

        return connection;
    }

    /// <summary>An open connection to the warehouse database; a missing database says what to do.</summary>
    public async Task<SqlConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = Create();
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch (SqlException ex) when (ex.Number == 4060)
        {
            await connection.DisposeAsync();
            throw new InvalidOperationException(
                $"no warehouse database '{Database}' on {Server} (or this login may not open it); run 'pipeline migrate' first", ex);
        }
        catch (SqlException ex)
        {
            await connection.DisposeAsync();
            throw Unreachable(ex);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A failed connect, naming where it tried (SqlClient's message names neither server nor database).</summary>
    private InvalidOperationException Unreachable(SqlException ex) =>
        new($"cannot connect to SQL Server {Server} (database {Database}): {ex.Message}", ex);

    /// <summary>Creates the database with <paramref name="collation"/> when the server has none of that name.</summary>
    /// <returns>True when it was created.</returns>
    public async Task<bool> EnsureDatabaseAsync(string collation, CancellationToken cancellationToken)
    {
        if (!CollationPattern().IsMatch(collation))
        {
            throw new ArgumentException($"'{collation}' is not a collation name");
        }

        // The usual case, the database is there: never touch master (contained and Azure users may not open it).
        await using (var probe = Create())
        {
            try
            {
                await probe.OpenAsync(cancellationToken);
                return false;
            }
            catch (SqlException ex) when (ex.Number == 4060)
            {
                // Cannot open the database: it is missing (or this login may not open it, which CREATE DATABASE reports).
            }
            catch (SqlException ex)
            {
                throw Unreachable(ex);
            }
        }

        await using var master = Create("master");
        try
        {
            await master.OpenAsync(cancellationToken);
        }
        catch (SqlException ex)
        {
            throw Unreachable(ex);
        }

        return await master.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            IF DB_ID(@name) IS NOT NULL
                SELECT 0;
            ELSE
            BEGIN
                DECLARE @sql nvarchar(max) = N'CREATE DATABASE ' + QUOTENAME(@name) + N' COLLATE ' + @collation + N';';
                EXEC (@sql);
                SELECT 1;
            END
            """,
            new { name = Database, collation },
            commandTimeout: 300,
            cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>
    /// For Entra authentication modes: removes them from the string (SqlClient 7 would look for a provider it no
    /// longer has) and returns a token callback with the matching Azure.Identity credential.
    /// </summary>
    private static Func<SqlAuthenticationParameters, CancellationToken, Task<SqlAuthenticationToken>>? EntraTokens(SqlConnectionStringBuilder builder)
    {
        var method = builder.Authentication;
        if (method is SqlAuthenticationMethod.NotSpecified or SqlAuthenticationMethod.SqlPassword)
        {
            return null;
        }

        var userId = string.IsNullOrWhiteSpace(builder.UserID) ? null : builder.UserID;
        var secret = builder.Password;
        Func<string?, TokenCredential> credential = method switch
        {
            SqlAuthenticationMethod.ActiveDirectoryDefault => Shared(new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = userId })),
            SqlAuthenticationMethod.ActiveDirectoryManagedIdentity or SqlAuthenticationMethod.ActiveDirectoryMSI => Shared(new ManagedIdentityCredential(
                userId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(userId))),
            SqlAuthenticationMethod.ActiveDirectoryWorkloadIdentity => Shared(new WorkloadIdentityCredential(new WorkloadIdentityCredentialOptions { ClientId = userId })),
            SqlAuthenticationMethod.ActiveDirectoryServicePrincipal when userId is not null && !string.IsNullOrEmpty(secret) => PerTenant(userId, secret),
            SqlAuthenticationMethod.ActiveDirectoryServicePrincipal => throw new ArgumentException(
                "Warehouse:SqlServer:ConnectionString: Authentication=Active Directory Service Principal needs the application id as User ID and its secret as Password"),
            _ => throw new ArgumentException(
                $"Warehouse:SqlServer:ConnectionString: Authentication={method} is not supported by this build; use Active Directory Default, Active Directory Managed Identity, " +
                "Active Directory Service Principal or Active Directory Workload Identity (or SQL or integrated authentication)"),
        };

        builder.Remove("Authentication");
        builder.Remove("User ID");
        builder.Remove("Password");
        return async (parameters, cancellationToken) =>
        {
            var scope = parameters.Resource.EndsWith("/.default", StringComparison.Ordinal) ? parameters.Resource : parameters.Resource.TrimEnd('/') + "/.default";
            var token = await credential(TenantOf(parameters.Authority)).GetTokenAsync(new TokenRequestContext([scope]), cancellationToken);
            return new SqlAuthenticationToken(token.Token, token.ExpiresOn);
        };

        static Func<string?, TokenCredential> Shared(TokenCredential one) => _ => one;

        static Func<string?, TokenCredential> PerTenant(string clientId, string clientSecret)
        {
            // The tenant comes from the server's login handshake (its authority), so the credential is made per tenant.
            var byTenant = new ConcurrentDictionary<string, TokenCredential>(StringComparer.OrdinalIgnoreCase);
            return tenant => byTenant.GetOrAdd(tenant ?? "organizations", t => new ClientSecretCredential(t, clientId, clientSecret));
        }
    }

    private static string? TenantOf(string? authority) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri) && uri.Segments.Length > 1 ? uri.Segments[1].Trim('/') : null;

    [GeneratedRegex("^[A-Za-z0-9_]{1,128}$")]
    private static partial Regex CollationPattern();
}
