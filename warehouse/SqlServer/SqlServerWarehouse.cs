using Dapper;
using DbUp;
using DbUp.Engine;
using DbUp.SqlServer;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse.Marts;
using Pipeline.Warehouse.SqlServer.DbUp;
using Pipeline.Warehouse.Upgrade;

namespace Pipeline.Warehouse.SqlServer;

/// <summary>
/// The production warehouse: one SQL Server database (2022, compatibility level 160) with the same layers, scripts
/// and KPI definitions as the embedded DuckDB file. Each operation opens its own pooled connection; concurrent
/// processes are kept apart by application locks (one per stream and account for loads, one for migrate).
/// </summary>
public sealed class SqlServerWarehouse : IWarehouseEngine, IBiReaderGrants
{
    internal const int VersionedRunGroup = 0;
    internal const int QuartzRunGroup = 1;
    internal const int StagingRunGroup = 2;
    internal const int ViewsRunGroup = 3;
    internal const int SemanticRunGroup = 4;

    /// <summary>The role the grant helper adds BI logins to (SELECT on dw and mart only).</summary>
    public const string BiReaderRole = "pipeline_bi_reader";

    private const string ScriptResourcePrefix = "Pipeline.Warehouse.SqlServer.Scripts.";
    private const int RequiredCompatibilityLevel = 160;

    private readonly SqlServerWarehouseOptions options;
    private readonly ILogger logger;
    private readonly Lazy<MartRefresher?> marts;

    private SqlServerWarehouse(SqlServerWarehouseOptions options, ILogger logger, SqlServerConnections connections)
    {
        this.options = options;
        this.logger = logger;
        Connections = connections;
        Loader = new SqlServerStagingLoader(this, options);
        RunLog = new SqlServerRunLog(this);
        Reader = new SqlServerReader(this, options.CommandTimeout);
        AlertState = new SqlServerAlertState(this);
        marts = new Lazy<MartRefresher?>(() => options.Reporting is { } reporting
            ? new MartRefresher(async ct => await Connections.OpenAsync(ct), SqlServerMartRefreshSql.Instance, new SemanticLayerScriptProvider(reporting).Marts, logger: logger)
            : null);
    }

    public string Name => "sqlserver";

    /// <summary>Server and database only: the connection string is a secret.</summary>
    public string Location => $"{Connections.Server}/{Connections.Database}";

    public IStagingLoader Loader { get; }

    public IRunLog RunLog { get; }

    public IWarehouseReader Reader { get; }

    public IAlertState AlertState { get; }

    /// <summary>The mart tables' refresher (null without Reporting settings: no semantic layer is deployed then).</summary>
    public MartRefresher? Marts => marts.Value;

    IMartRefresher? IWarehouseEngine.Marts => Marts;

    /// <summary>No copy to publish: BI tools read dw and mart live, with SELECT on those two schemas only.</summary>
    public BiAccess Bi => new(
        $"BI tools read dw and mart live through the {BiReaderRole} role (pipeline migrate --grant-bi-reader <login>); there is no copy to publish");

    internal SqlServerConnections Connections { get; }

    /// <summary>
    /// Checks the connection string and prepares the engine; nothing connects until the first operation.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is not usable; the message never contains it.</exception>
    public static SqlServerWarehouse Open(SqlServerWarehouseOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Reporting is { } reporting)
        {
            // Fail before anything runs when the reporting zone has no name SQL Server knows.
            _ = SemanticLayerScriptProvider.WindowsTimeZone(reporting.TimeZone);
        }

        return new SqlServerWarehouse(options, logger ?? NullLogger.Instance, SqlServerConnections.Parse(options.ConnectionString));
    }

    public async Task<MigrationReport> MigrateAsync(IReadOnlyCollection<StreamDescriptor> streams, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streams);
        if (options.CreateIfMissing && await Connections.EnsureDatabaseAsync(options.Collation, cancellationToken))
        {
            logger.LogInformation("Created database {Database} on {Server} ({Collation})", Connections.Database, Connections.Server, options.Collation);
        }

        // A session-owned lock for the whole deploy: a second migrate waits, then reports the warehouse busy.
        await using var lockHolder = await Connections.OpenAsync(cancellationToken);
        await CheckCompatibilityLevelAsync(lockHolder, cancellationToken);
        await AcquireMigrateLockAsync(lockHolder, cancellationToken);

        var assembly = typeof(SqlServerWarehouse).Assembly;
        var builder = DeployChanges.To.SqlDatabase(new SqlConnectionManager(() => Connections.Create()), null)
            .JournalTo((connectionManager, log) => new SqlServerTableJournal(connectionManager, log, "etl", "schema_versions"))
            .WithScriptsEmbeddedInAssembly(
                assembly,
                name => name.StartsWith(ScriptResourcePrefix + "Versioned.", StringComparison.Ordinal),
                new SqlScriptOptions { ScriptType = global::DbUp.Support.ScriptType.RunOnce, RunGroupOrder = VersionedRunGroup })
            .WithScriptsEmbeddedInAssembly(
                assembly,
                name => name.StartsWith(ScriptResourcePrefix + "Quartz.", StringComparison.Ordinal),
                new SqlScriptOptions { ScriptType = global::DbUp.Support.ScriptType.RunOnce, RunGroupOrder = QuartzRunGroup })
            .WithScripts(new StagingTablesScriptProvider(streams))
            .WithScripts(new KpiCatalogScriptProvider())
            .WithScriptsEmbeddedInAssembly(
                assembly,
                name => name.StartsWith(ScriptResourcePrefix + "Views.", StringComparison.Ordinal),
                new SqlScriptOptions { ScriptType = global::DbUp.Support.ScriptType.RunAlways, RunGroupOrder = ViewsRunGroup })
            .WithTransactionPerScript()
            // Scripts are plain T-SQL: '$name$' in a string literal must stay as written.
            .WithVariablesDisabled()
            .WithExecutionTimeout(options.CommandTimeout)
            .LogTo(new LoggerUpgradeLog(logger));
        SemanticLayerScriptProvider? semantic = null;
        if (options.Reporting is { } reporting)
        {
            semantic = new SemanticLayerScriptProvider(reporting, streams, await ReadExistingMartsAsync(lockHolder, cancellationToken));
            builder = builder.WithScripts(semantic);
        }

        builder = builder.WithScripts(new SourceHealthScriptProvider(streams));

        foreach (var provider in options.AdditionalScripts)
        {
            builder = builder.WithScripts(provider);
        }

        var result = builder.Build().PerformUpgrade();
        var versioned = new List<string>();
        var always = new List<string>();
        foreach (var script in result.Scripts)
        {
            (script.SqlScriptOptions.ScriptType == global::DbUp.Support.ScriptType.RunOnce ? versioned : always).Add(DisplayName(script.Name));
        }

        if (!result.Successful)
        {
            var scriptName = result.ErrorScript is null ? "(none)" : DisplayName(result.ErrorScript.Name);
            throw new MigrationFailedException(scriptName, OneLine(result.Error?.Message ?? "unknown error"), result.Error);
        }

        IReadOnlyList<string> rebuilt = [];
        if (semantic is not null)
        {
            await DescribeColumnsAsync(cancellationToken);
            rebuilt = [.. semantic.Rebuilt.Select(m => m.Table)];
            if (Marts is { } marts)
            {
                await marts.RecordDeployAsync(semantic.Rebuilt, cancellationToken);
            }
        }

        return new MigrationReport(versioned, always) { MartsRebuilt = rebuilt };
    }

    /// <summary>The mart views and tables there are before a deploy, with the definition hashes recorded for the tables.</summary>
    private static async Task<Dictionary<string, ExistingMart>> ReadExistingMartsAsync(SqlConnection connection, CancellationToken cancellationToken)
    {
        var objects = (await connection.QueryAsync<(string Name, string Kind)>(new CommandDefinition(
            """
            SELECT o.name, CASE o.type WHEN 'V' THEN 'view' ELSE 'table' END
            FROM sys.objects AS o
            WHERE o.schema_id = SCHEMA_ID(N'mart') AND o.type IN ('U', 'V')
            """,
            cancellationToken: cancellationToken))).ToList();
        var hasState = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT CASE WHEN OBJECT_ID(N'etl.mart_state', N'U') IS NULL THEN 0 ELSE 1 END", cancellationToken: cancellationToken)) == 1;
        var hashes = hasState
            ? (await connection.QueryAsync<(string Mart, string Hash)>(new CommandDefinition("SELECT mart, definition_hash FROM etl.mart_state", cancellationToken: cancellationToken)))
                .ToDictionary(r => r.Mart, r => r.Hash, StringComparer.OrdinalIgnoreCase)
            : [];
        return objects.ToDictionary(
            o => o.Name,
            o => new ExistingMart(o.Kind, hashes.GetValueOrDefault(MartLayer.TableSchema + "." + o.Name)),
            StringComparer.OrdinalIgnoreCase);
    }

    private async Task CheckCompatibilityLevelAsync(SqlConnection connection, CancellationToken cancellationToken)
    {
        var level = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT compatibility_level FROM sys.databases WHERE database_id = DB_ID()", cancellationToken: cancellationToken));
        if (level < RequiredCompatibilityLevel)
        {
            throw new MigrationFailedException(
                "(before any script)",
                $"database {Connections.Database} has compatibility level {level}; the warehouse needs {RequiredCompatibilityLevel} (SQL Server 2022 or Azure SQL): " +
                $"ALTER DATABASE [{Connections.Database}] SET COMPATIBILITY_LEVEL = {RequiredCompatibilityLevel}");
        }
    }

    private async Task AcquireMigrateLockAsync(SqlConnection connection, CancellationToken cancellationToken)
    {
        var result = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            DECLARE @result int;
            EXEC @result = sys.sp_getapplock @Resource = N'pipeline/migrate', @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = @timeout;
            SELECT @result;
            """,
            new { timeout = (int)Math.Min(int.MaxValue, options.LockTimeout.TotalMilliseconds) },
            commandTimeout: (int)options.LockTimeout.TotalSeconds + 60,
            cancellationToken: cancellationToken));
        if (result < 0)
        {
            throw new WarehouseBusyException($"warehouse is busy: another process is migrating {Location}");
        }
    }

    /// <summary>Gives every dw/mart column its script left undescribed the <see cref="ColumnGlossary"/> text.</summary>
    private async Task DescribeColumnsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Connections.OpenAsync(cancellationToken);
        await using var tx = (SqlTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var columns = (await connection.QueryAsync<(string Schema, string Table, string Column)>(new CommandDefinition(
            """
            SELECT s.name, o.name, c.name
            FROM sys.columns AS c
            JOIN sys.objects AS o ON o.object_id = c.object_id
            JOIN sys.schemas AS s ON s.schema_id = o.schema_id
            WHERE s.name IN (N'dw', N'mart') AND o.type IN ('U', 'V')
              AND NOT EXISTS (SELECT 1 FROM sys.extended_properties AS ep
                              WHERE ep.class = 1 AND ep.major_id = c.object_id AND ep.minor_id = c.column_id AND ep.name = N'MS_Description')
            """,
            transaction: tx,
            cancellationToken: cancellationToken))).ToList();
        foreach (var (schema, table, column) in columns)
        {
            if (ColumnGlossary.Descriptions.TryGetValue(column, out var description))
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "etl.set_description",
                    new { schema, @object = table, column, text = description },
                    tx,
                    commandType: System.Data.CommandType.StoredProcedure,
                    cancellationToken: cancellationToken));
            }
        }

        await tx.CommitAsync(cancellationToken);
    }

    public async Task<WarehouseStatus> ReadStatusAsync(int recentRuns = 20, CancellationToken cancellationToken = default)
    {
        await using var connection = await Connections.OpenAsync(cancellationToken);
        var objects = (await connection.QueryAsync<(string Schema, string Name, string Kind)>(new CommandDefinition(
            """
            SELECT TABLE_SCHEMA, TABLE_NAME, CASE TABLE_TYPE WHEN 'VIEW' THEN 'view' ELSE 'table' END
            FROM INFORMATION_SCHEMA.TABLES
            WHERE TABLE_SCHEMA IN (N'etl', N'staging', N'dw', N'mart')
            ORDER BY CASE TABLE_SCHEMA WHEN N'etl' THEN 0 WHEN N'staging' THEN 1 WHEN N'dw' THEN 2 ELSE 3 END, TABLE_NAME
            """,
            cancellationToken: cancellationToken))).ToList();
        var withCounts = new List<WarehouseObject>(objects.Count);
        foreach (var (schema, name, kind) in objects)
        {
            long? rows = kind == "table"
                ? await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                    $"SELECT COUNT_BIG(*) FROM {SqlServerTypes.Quote(schema)}.{SqlServerTypes.Quote(name)}", cancellationToken: cancellationToken))
                : null;
            withCounts.Add(new WarehouseObject(schema, name, kind, rows));
        }

        var hasEtl = objects.Any(o => o is { Schema: "etl", Name: "sync_runs" }) && objects.Any(o => o is { Schema: "etl", Name: "v_stream_status" });
        var runs = hasEtl ? await SqlServerRunLog.ReadRecentAsync(connection, recentRuns, cancellationToken) : [];
        var states = hasEtl
            ? (await connection.QueryAsync<StreamStateRow>(new CommandDefinition(
                """
                SELECT s.source, s.stream, s.account_id, s.cursor_value, s.updated_at, s.run_id, v.last_success_at, v.last_status, v.last_error
                FROM etl.sync_state AS s
                JOIN etl.v_stream_status AS v ON v.source = s.source AND v.stream = s.stream AND v.account_id = s.account_id
                ORDER BY s.source, s.stream, s.account_id
                """,
                cancellationToken: cancellationToken)))
                .Select(r => new StreamState(r.source, r.stream, r.account_id, r.cursor_value, r.updated_at, r.run_id)
                {
                    LastSuccessAt = r.last_success_at,
                    LastStatus = r.last_status,
                    LastError = r.last_error,
                }).ToList()
            : [];
        return new WarehouseStatus(withCounts, runs, states);
    }

    /// <summary>
    /// <c>pipeline migrate --grant-bi-reader</c>: maps an existing login to a database user (created when missing) and
    /// adds it to <see cref="BiReaderRole"/>. The name is validated, passed as a parameter and quoted with QUOTENAME.
    /// </summary>
    public async Task<BiReaderGrant> GrantBiReaderAsync(string login, CancellationToken cancellationToken = default)
    {
        if (SqlLoginName.Problem(login) is { } problem)
        {
            throw new ArgumentException(problem, nameof(login));
        }

        await using var connection = await Connections.OpenAsync(cancellationToken);
        try
        {
            var row = await connection.QuerySingleAsync<(string User, bool Created, bool AlreadyMember)>(new CommandDefinition(
                GrantBiReaderSql,
                new { login, role = BiReaderRole },
                cancellationToken: cancellationToken));
            return new BiReaderGrant(login, row.User, row.Created, row.AlreadyMember);
        }
        catch (SqlException ex) when (ex.Number is 50010 or 50011 or 15007 or 15401 or 33130)
        {
            // The script's own errors (no such login, no role yet) and SQL Server's "not a valid login" family.
            throw new InvalidOperationException(OneLine(ex.Message), ex);
        }
    }

    internal const string GrantBiReaderSql =
        """
        SET NOCOUNT ON;
        IF DATABASE_PRINCIPAL_ID(@role) IS NULL
            THROW 50010, N'the role pipeline_bi_reader does not exist yet; run pipeline migrate first', 1;
        DECLARE @sid varbinary(85) = SUSER_SID(@login);
        DECLARE @user sysname =
            (SELECT TOP (1) name FROM sys.database_principals
             WHERE type IN ('S', 'U', 'G', 'E', 'X') AND ((@sid IS NOT NULL AND sid = @sid) OR name = @login)
             ORDER BY CASE WHEN sid = @sid THEN 0 ELSE 1 END);
        DECLARE @created bit = 0;
        DECLARE @sql nvarchar(max);
        IF @user IS NULL
        BEGIN
            IF @sid IS NULL
            BEGIN
                DECLARE @message nvarchar(2048) = CONCAT(N'no login ', QUOTENAME(@login), N' on this server; create the login first (CREATE LOGIN, or an Entra principal)');
                THROW 50011, @message, 1;
            END;
            SET @sql = N'CREATE USER ' + QUOTENAME(@login) + N' FOR LOGIN ' + QUOTENAME(@login) + N';';
            EXEC sys.sp_executesql @sql;
            SET @user = @login;
            SET @created = 1;
        END;
        DECLARE @member bit = CASE WHEN IS_ROLEMEMBER(@role, @user) = 1 THEN 1 ELSE 0 END;
        IF @member = 0
        BEGIN
            SET @sql = N'ALTER ROLE ' + QUOTENAME(@role) + N' ADD MEMBER ' + QUOTENAME(@user) + N';';
            EXEC sys.sp_executesql @sql;
        END;
        SELECT @user AS [user], @created AS created, @member AS already_member;
        """;

    public async Task<IntegrityReport> CheckAsync(CancellationToken cancellationToken = default)
    {
        IntegrityReport report;
        await using (var connection = await Connections.OpenAsync(cancellationToken))
        {
            report = await SqlServerIntegrity.CheckAsync(connection, Connections.Database, options.CommandTimeout, cancellationToken);
        }

        await AlertState.SetAsync(
            SqlServerIntegrity.FailedCheckKey,
            report.Healthy ? null : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"failed at {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC: {report.Summary}"),
            cancellationToken);
        return report;
    }

    public Task<string?> ReadFailedCheckAsync(CancellationToken cancellationToken = default) =>
        AlertState.GetAsync(SqlServerIntegrity.FailedCheckKey, cancellationToken);

    /// <summary>
    /// A native copy-only backup to <paramref name="folder"/> on the server (a path the SQL Server service account can
    /// write), verified by reading it back. <paramref name="keep"/> is not applied here: the files live on the server.
    /// </summary>
    public async Task<BackupResult> BackupAsync(string folder, int keep, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var disk = SqlServerIntegrity.DiskPath(folder, Connections.Database, DateTimeOffset.UtcNow);
        await using var connection = await Connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            SqlServerIntegrity.BackupStatement, new { database = Connections.Database, disk }, commandTimeout: (int)options.CommandTimeout.TotalSeconds, cancellationToken: cancellationToken));
        return new BackupResult(disk, 0, [], $"BACKUP DATABASE [{Connections.Database}] TO DISK = N'{disk}' WITH COPY_ONLY, CHECKSUM, INIT");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string DisplayName(string resourceName) =>
        resourceName.StartsWith(ScriptResourcePrefix, StringComparison.Ordinal)
            ? resourceName[ScriptResourcePrefix.Length..]
                .Replace("Versioned.", "Versioned/", StringComparison.Ordinal)
                .Replace("Views.", "Views/", StringComparison.Ordinal)
                .Replace("Quartz.", "Quartz/", StringComparison.Ordinal)
            : resourceName;

    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

#pragma warning disable IDE1006, CA1812 // Dapper maps snake_case columns by name
    private sealed record StreamStateRow(
        string source, string stream, string account_id, string? cursor_value, DateTime updated_at, string run_id,
        DateTime? last_success_at, string? last_status, string? last_error);
#pragma warning restore IDE1006, CA1812
}
