using Dapper;
using DbUp;
using DbUp.Engine;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse.DuckDb.DbUp;
using Pipeline.Warehouse.Marts;
using Pipeline.Warehouse.Upgrade;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>
/// The embedded default warehouse: one DuckDB file. The engine keeps a connection open for its lifetime, which
/// holds DuckDB's file lock, so a second process gets <see cref="WarehouseBusyException"/> instead of a
/// corrupted file.
/// </summary>
public sealed class DuckDbWarehouse : IWarehouseEngine
{
    private const string ScriptResourcePrefix = "Pipeline.Warehouse.DuckDb.Scripts.";

    private readonly DuckDbWarehouseOptions options;
    private readonly ILogger logger;
    private readonly SemaphoreSlim queryMemoryGate = new(1, 1);
    private int queriesUnderQueryLimit;
    private readonly DuckDBConnection lockHolder;
    private readonly Lazy<MartRefresher?> marts;

    private DuckDbWarehouse(DuckDbWarehouseOptions options, ILogger logger, string connectionString, DuckDBConnection lockHolder, string? readingPublishedCopy = null)
    {
        this.options = options;
        ReadingPublishedCopy = readingPublishedCopy;
        this.logger = logger;
        ConnectionString = connectionString;
        this.lockHolder = lockHolder;
        Loader = new DuckDbDiskFull.Loader(new DuckDbStagingLoader(this, options.BeforeCommit));
        marts = new Lazy<MartRefresher?>(() => options.Reporting is { } reporting
            ? new MartRefresher(_ => Task.FromResult<System.Data.Common.DbConnection>(OpenConnection()), DuckDbMartRefreshSql.Instance,
                new SemanticLayerScriptProvider(reporting).Marts, logger: logger, scope: work => DuckDbDiskFull.NamedAsync(() => WithQueryMemoryAsync(work)))
            : null);
        RunLog = new DuckDbRunLog(this);
        Reader = new DuckDbReader(this);
        AlertState = new DuckDbAlertState(this);
        Bi = new BiAccess(
            "BI tools open the read-only copy pipeline publish writes (Publish:Path): the live DuckDB file admits one process",
            new MartPublisher(this, logger));
    }

    public string Name => "duckdb";

    public string Location => options.Path;

    /// <summary>
    /// Runs mart queries under <see cref="DuckDbWarehouseOptions.QueryMemoryLimit"/>. memory_limit is one setting of
    /// the whole database instance: a writer raises it while at least one mart query runs and puts the load limit back
    /// after the last one, so loads stay as small as configured. Read-only opens have the query limit from the start.
    /// </summary>
    internal async Task<T> WithQueryMemoryAsync<T>(DuckDBConnection connection, Func<Task<T>> query)
    {
        // A writer loads with one DuckDB thread (see LoadThreads); mart queries get every core back, like the memory.
        if (options.ReadOnly)
        {
            return await query();
        }

        var raise = !string.Equals(options.QueryMemoryLimitOrDefault, options.MemoryLimit, StringComparison.OrdinalIgnoreCase);
        await queryMemoryGate.WaitAsync();
        try
        {
            if (queriesUnderQueryLimit++ == 0)
            {
                if (raise)
                {
                    await SetMemoryLimitAsync(connection, options.QueryMemoryLimitOrDefault);
                }

                await SetThreadsAsync(connection, QueryThreads);
            }
        }
        finally
        {
            queryMemoryGate.Release();
        }

        try
        {
            return await query();
        }
        finally
        {
            await queryMemoryGate.WaitAsync();
            try
            {
                if (--queriesUnderQueryLimit == 0)
                {
                    await SetThreadsAsync(connection, LoadThreads);
                    if (raise)
                    {
                        await SetMemoryLimitAsync(connection, options.MemoryLimit);
                    }
                }
            }
            finally
            {
                queryMemoryGate.Release();
            }
        }
    }

    /// <summary>A mart refresh computes the mart definitions: it runs under the query memory limit, as mart queries do.</summary>
    private async Task<T> WithQueryMemoryAsync<T>(Func<Task<T>> work)
    {
        await using var connection = OpenConnection();
        return await WithQueryMemoryAsync(connection, work);
    }

    /// <summary>
    /// How much WAL a writer's commits may leave before one of them checkpoints (DuckDB's default is 16MB). A sync
    /// commits once per window; at 16MB a checkpoint came every few windows, and each compressed the staging table's
    /// open row group again, with the rows the previous ones had already compressed. At 1GB the windows stay in the WAL
    /// (each commit is as durable: DuckDB syncs the WAL) and are compressed once, at the refresh's checkpoint
    /// (<see cref="DuckDbMartRefreshSql.AfterCommit"/>) or at close. make bench (2 cores): CPU per million rows of Meta by country
    /// 22.9 -> 14.0-14.5 s; GA4's moved within run-to-run noise (8.1-9.4 s); peak working set unchanged. The cost: up
    /// to 1GB of WAL beside the file, replayed on the next open after a crash.
    /// </summary>
    internal const string CheckpointThreshold = "1GB";

    /// <summary>
    /// DuckDB threads of a writer outside mart queries. Loads are appends and small DELETE/duplicate checks in one
    /// transaction per window: a second DuckDB thread mostly spins on the task queue (perf: Executor::ExecuteTask,
    /// sched_yield) and adds a thread's buffers, while the connector's parsing wants the other core. One thread cut
    /// the Meta by-country ingest's CPU per row by about 12 % in `make bench` (2 cores).
    /// </summary>
    internal const int LoadThreads = 1;

    /// <summary>DuckDB threads for mart queries and refreshes (DuckDB's own default: one per core).</summary>
    private static int QueryThreads => Math.Max(1, Environment.ProcessorCount);

    private static async Task SetThreadsAsync(DuckDBConnection connection, int threads)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SET threads = {threads.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Sets DuckDB's memory_limit, or resets it to DuckDB's default when none is configured.</summary>
    private static async Task SetMemoryLimitAsync(DuckDBConnection connection, string? limit)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = string.IsNullOrWhiteSpace(limit) ? "RESET memory_limit" : $"SET memory_limit = '{limit.Trim()}'";
        await command.ExecuteNonQueryAsync();
    }

    public IStagingLoader Loader { get; }

    public IRunLog RunLog { get; }

    public IWarehouseReader Reader { get; }

    public IAlertState AlertState { get; }

    public BiAccess Bi { get; }

    /// <summary>The mart tables' refresher (null without Reporting settings: no semantic layer is deployed then).</summary>
    public MartRefresher? Marts => marts.Value;

    /// <summary>The materialized marts of this engine in dependency order, as a deploy with <paramref name="reporting"/> installs them.</summary>
    public static IReadOnlyList<MartDefinition> MartDefinitions(ReportingSettings reporting) => new SemanticLayerScriptProvider(reporting).Marts;

    IMartRefresher? IWarehouseEngine.Marts => Marts;

    public string? ReadingPublishedCopy { get; }

    internal string ConnectionString { get; }

    /// <summary>
    /// Opens (creating if needed) the warehouse file and takes its lock. <see cref="DuckDbWarehouseOptions.ReadOnly"/>
    /// opens an existing file read-only (a shared lock other readers can share), and while a writer holds the file
    /// reads <see cref="DuckDbWarehouseOptions.PublishedCopyPath"/> instead where one exists.
    /// </summary>
    public static DuckDbWarehouse Open(DuckDbWarehouseOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var fullPath = System.IO.Path.GetFullPath(options.Path);
        if ((options.ReadOnly || !options.CreateIfMissing) && !File.Exists(fullPath))
        {
            throw new FileNotFoundException($"no warehouse at {fullPath}; run 'pipeline migrate' first", fullPath);
        }

        if (!DuckDbWarehouseOptions.IsMemoryLimit(options.MemoryLimit))
        {
            throw new ArgumentException($"memory limit '{options.MemoryLimit}' is not a size like 512MB or 2GB", nameof(options));
        }

        if (!DuckDbWarehouseOptions.IsMemoryLimit(options.QueryMemoryLimit))
        {
            throw new ArgumentException($"query memory limit '{options.QueryMemoryLimit}' is not a size like 512MB or 2GB", nameof(options));
        }

        if (options.ReadOnly)
        {
            try
            {
                return OpenFile(options, logger, fullPath, readOnly: true);
            }
            catch (WarehouseBusyException busy) when (options.PublishedCopyPath is { } copy && File.Exists(System.IO.Path.GetFullPath(copy)))
            {
                var copyPath = System.IO.Path.GetFullPath(copy);
                var note = $"{BusySince(busy)}: reading the published copy of {Utc(File.GetLastWriteTimeUtc(copyPath))} ({copyPath})";
                var copyOptions = new DuckDbWarehouseOptions
                {
                    Path = copyPath, CreateIfMissing = false, ReadOnly = true, Reporting = options.Reporting, MemoryLimit = options.MemoryLimit, QueryMemoryLimit = options.QueryMemoryLimit,
                };
                return OpenFile(copyOptions, logger, copyPath, readOnly: true, note);
            }
        }

        var folder = System.IO.Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        return OpenFile(options, logger, fullPath, readOnly: false);
    }

    private static DuckDbWarehouse OpenFile(DuckDbWarehouseOptions options, ILogger? logger, string fullPath, bool readOnly, string? readingPublishedCopy = null)
    {
        var builder = new DuckDBConnectionStringBuilder { DataSource = fullPath };
        if (readOnly)
        {
            builder["access_mode"] = "READ_ONLY";
            // DuckDB spills large sorts and joins to "<file>.tmp" beside the database, which a read-only disk refuses:
            // a reader spills to the system temp folder instead (one per process; DuckDB removes it on close).
            builder["temp_directory"] = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"pipeline-read-{Environment.ProcessId}.tmp");
        }

        var memoryLimit = readOnly ? options.QueryMemoryLimitOrDefault : options.MemoryLimit;
        if (!string.IsNullOrWhiteSpace(memoryLimit))
        {
            builder["memory_limit"] = memoryLimit.Trim();
        }

        if (!readOnly)
        {
            builder["threads"] = LoadThreads.ToString(System.Globalization.CultureInfo.InvariantCulture);
            builder["checkpoint_threshold"] = CheckpointThreshold;
        }

        var connectionString = builder.ConnectionString;
        var connection = DuckDbConnections.Open(connectionString);
        return new DuckDbWarehouse(options, logger ?? NullLogger.Instance, connectionString, connection, readingPublishedCopy);
    }

    /// <summary>"warehouse busy (sync running since …, process N)": the holder's start is when its sync began.</summary>
    private static string BusySince(WarehouseBusyException busy)
    {
        if (busy.HolderProcessId is not { } pid)
        {
            return "warehouse busy (a sync is running)";
        }

        try
        {
            using var holder = System.Diagnostics.Process.GetProcessById(pid);
            return $"warehouse busy (sync running since {Utc(holder.StartTime.ToUniversalTime())}, process {pid})";
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // The holder ended meanwhile or runs where this process cannot see it.
            return $"warehouse busy (sync running in process {pid})";
        }
    }

    private static string Utc(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A new connection to the same database (shares the in-process instance and its lock).</summary>
    internal DuckDBConnection OpenConnection() => DuckDbConnections.Open(ConnectionString);

    public async Task<MigrationReport> MigrateAsync(IReadOnlyCollection<StreamDescriptor> streams, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streams);
        cancellationToken.ThrowIfCancellationRequested();
        var assembly = typeof(DuckDbWarehouse).Assembly;
        var versioned = new List<string>();
        var always = new List<string>();
        var builder = DeployChanges.To.DuckDb(ConnectionString)
            .WithScriptsEmbeddedInAssembly(
                assembly,
                name => name.StartsWith(ScriptResourcePrefix + "Versioned.", StringComparison.Ordinal),
                new SqlScriptOptions { ScriptType = global::DbUp.Support.ScriptType.RunOnce, RunGroupOrder = 0 })
            .WithScripts(new StagingTablesScriptProvider(streams))
            .WithScripts(new KpiCatalogScriptProvider())
            .WithScriptsEmbeddedInAssembly(
                assembly,
                name => name.StartsWith(ScriptResourcePrefix + "Views.", StringComparison.Ordinal),
                new SqlScriptOptions { ScriptType = global::DbUp.Support.ScriptType.RunAlways, RunGroupOrder = 2 })
            .WithTransactionPerScript()
            .LogTo(new LoggerUpgradeLog(logger));
        SemanticLayerScriptProvider? semantic = null;
        if (options.Reporting is { } reporting)
        {
            semantic = new SemanticLayerScriptProvider(reporting, streams, ReadExistingMarts());
            builder = builder.WithScripts(semantic);
        }

        builder = builder.WithScripts(new SourceHealthScriptProvider(streams));

        foreach (var provider in options.AdditionalScripts)
        {
            builder = builder.WithScripts(provider);
        }

        var upgrader = builder.Build();
        // Building mart tables computes their definitions: under the query memory limit, as a refresh.
        var result = semantic is { Rebuilt.Count: > 0 }
            ? await WithQueryMemoryAsync(() => Task.FromResult(upgrader.PerformUpgrade()))
            : upgrader.PerformUpgrade();
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
            DescribeColumns();
            rebuilt = [.. semantic.Rebuilt.Select(m => m.Table)];
            if (Marts is { } marts)
            {
                await marts.RecordDeployAsync(semantic.Rebuilt, cancellationToken);
            }
        }

        return new MigrationReport(versioned, always) { MartsRebuilt = rebuilt };
    }

    /// <summary>The mart views and tables there are before a deploy, with the definition hashes recorded for the tables.</summary>
    private Dictionary<string, ExistingMart> ReadExistingMarts()
    {
        using var connection = OpenConnection();
        var objects = connection.Query<(string Name, string Kind)>(
            """
            SELECT table_name, 'table' FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'mart'
            UNION ALL
            SELECT view_name, 'view' FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'mart' AND NOT internal
            """).ToList();
        var hasState = connection.ExecuteScalar<long>(
            "SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'etl' AND table_name = 'mart_state'") > 0;
        var hashes = hasState
            ? connection.Query<(string Mart, string Hash)>("SELECT mart, definition_hash FROM etl.mart_state").ToDictionary(r => r.Mart, r => r.Hash, StringComparer.OrdinalIgnoreCase)
            : [];
        return objects.ToDictionary(
            o => o.Name,
            o => new ExistingMart(o.Kind, hashes.GetValueOrDefault(MartLayer.TableSchema + "." + o.Name)),
            StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gives every dw/mart column its script left undescribed the <see cref="ColumnGlossary"/> text.</summary>
    private void DescribeColumns()
    {
        using var connection = OpenConnection();
        using var transaction = connection.BeginTransaction();
        var columns = connection.Query<(string Schema, string Table, string Column)>(
            "SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE schema_name IN ('dw', 'mart') AND comment IS NULL",
            transaction: transaction).ToList();
        foreach (var (schema, table, column) in columns)
        {
            if (ColumnGlossary.Descriptions.TryGetValue(column, out var description))
            {
                connection.Execute(
                    $"COMMENT ON COLUMN {DuckDbTypes.Quote(schema)}.{DuckDbTypes.Quote(table)}.{DuckDbTypes.Quote(column)} IS '{description.Replace("'", "''", StringComparison.Ordinal)}'",
                    transaction: transaction);
            }
        }

        transaction.Commit();
    }

    public async Task<WarehouseStatus> ReadStatusAsync(int recentRuns = 20, CancellationToken cancellationToken = default)
    {
        await using var connection = OpenConnection();
        var objects = (await connection.QueryAsync<(string Schema, string Name, string Kind)>(
            """
            SELECT table_schema, table_name, CASE table_type WHEN 'VIEW' THEN 'view' ELSE 'table' END
            FROM information_schema.tables
            WHERE table_catalog = current_database() AND table_schema IN ('etl', 'staging', 'dw', 'mart')
            ORDER BY CASE table_schema WHEN 'etl' THEN 0 WHEN 'staging' THEN 1 WHEN 'dw' THEN 2 ELSE 3 END, table_name
            """)).ToList();
        var withCounts = new List<WarehouseObject>(objects.Count);
        foreach (var (schema, name, kind) in objects)
        {
            long? rows = kind == "table"
                ? await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {DuckDbTypes.Quote(schema)}.{DuckDbTypes.Quote(name)}")
                : null;
            withCounts.Add(new WarehouseObject(schema, name, kind, rows));
        }

        var hasEtl = objects.Any(o => o is { Schema: "etl", Name: "sync_runs" });
        var runs = hasEtl ? await DuckDbRunLog.ReadRecentAsync(connection, recentRuns) : [];
        var states = hasEtl
            ? (await connection.QueryAsync<StreamStateRow>(
                """
                SELECT s.source, s.stream, s.account_id, s.cursor_value, s.updated_at, s.run_id, v.last_success_at, v.last_status, v.last_error
                FROM etl.sync_state s
                JOIN etl.v_stream_status v USING (source, stream, account_id)
                ORDER BY s.source, s.stream, s.account_id
                """))
                .Select(r => new StreamState(r.source, r.stream, r.account_id, r.cursor_value, r.updated_at, r.run_id)
                {
                    LastSuccessAt = r.last_success_at,
                    LastStatus = r.last_status,
                    LastError = r.last_error,
                }).ToList()
            : [];
        return new WarehouseStatus(withCounts, runs, states);
    }

    public async Task<IntegrityReport> CheckAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = OpenConnection();
        var report = await DuckDbIntegrity.CheckAsync(connection, cancellationToken);
        DuckDbIntegrity.Record(options.Path, report, DateTimeOffset.UtcNow);
        return report;
    }

    public Task<string?> ReadFailedCheckAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(DuckDbIntegrity.ReadFailed(options.Path));

    public async Task<BackupResult> BackupAsync(string folder, int keep, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        // After a checkpoint the file holds every committed transaction; this engine's open connection is DuckDB's
        // writer lock, so nothing else writes while the file is copied.
        await using (var connection = OpenConnection())
        {
            await connection.ExecuteAsync(new CommandDefinition("CHECKPOINT", cancellationToken: cancellationToken));
        }

        return await DuckDbBackups.CopyAsync(System.IO.Path.GetFullPath(options.Path), folder, keep, DateTimeOffset.UtcNow, cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        lockHolder.Dispose();
        queryMemoryGate.Dispose();
        return ValueTask.CompletedTask;
    }

    private static string DisplayName(string resourceName) =>
        resourceName.StartsWith(ScriptResourcePrefix, StringComparison.Ordinal)
            ? resourceName[ScriptResourcePrefix.Length..].Replace("Versioned.", "Versioned/", StringComparison.Ordinal).Replace("Views.", "Views/", StringComparison.Ordinal)
            : resourceName;

    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

#pragma warning disable IDE1006, CA1812 // Dapper maps snake_case columns by name
    private sealed record StreamStateRow(
        string source, string stream, string account_id, string? cursor_value, DateTime updated_at, string run_id,
        DateTime? last_success_at, string? last_status, string? last_error);
#pragma warning restore IDE1006, CA1812
}
