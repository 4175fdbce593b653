using Microsoft.Extensions.Logging;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Scheduling;
using Pipeline.Warehouse;
using Pipeline.Warehouse.DuckDb;
using Pipeline.Warehouse.SqlServer;

namespace Pipeline.Etl;

/// <summary>Opens the configured warehouse engine. The one place that knows which engines exist.</summary>
public sealed class WarehouseFactory(PipelineOptions options, ILoggerFactory loggerFactory)
{
    /// <param name="createIfMissing">False for commands that only read: they must not leave an empty warehouse behind.</param>
    public IWarehouseEngine Open(bool createIfMissing = true) => options.Warehouse.Engine switch
    {
        WarehouseOptions.DuckDbEngine => DuckDbWarehouse.Open(
            new DuckDbWarehouseOptions { Path = options.Warehouse.DuckDb.Path, CreateIfMissing = createIfMissing, Reporting = options.Reporting, MemoryLimit = options.Warehouse.DuckDb.MemoryLimit, QueryMemoryLimit = options.Warehouse.DuckDb.QueryMemoryLimit },
            loggerFactory.CreateLogger<DuckDbWarehouse>()),
        WarehouseOptions.SqlServerEngine => OpenSqlServer(createIfMissing),
        var other => throw new ConfigException($"unknown warehouse engine '{other}'"),
    };

    /// <summary>
    /// For commands that only read (kpi, status, report): the warehouse opened read-only and never created, so it
    /// works on a read-only disk and beside other readers. While a sync holds a DuckDB file, its last published copy
    /// (<c>Publish:Path</c>) is opened instead and <see cref="IWarehouseEngine.ReadingPublishedCopy"/> says so.
    /// </summary>
    public IWarehouseEngine OpenForReading() => options.Warehouse.Engine switch
    {
        WarehouseOptions.DuckDbEngine => DuckDbWarehouse.Open(
            new DuckDbWarehouseOptions
            {
                Path = options.Warehouse.DuckDb.Path,
                CreateIfMissing = false,
                ReadOnly = true,
                PublishedCopyPath = options.Publish.Path,
                Reporting = options.Reporting,
                MemoryLimit = options.Warehouse.DuckDb.MemoryLimit,
                QueryMemoryLimit = options.Warehouse.DuckDb.QueryMemoryLimit,
            },
            loggerFactory.CreateLogger<DuckDbWarehouse>()),
        WarehouseOptions.SqlServerEngine => OpenSqlServer(createIfMissing: false),
        var other => throw new ConfigException($"unknown warehouse engine '{other}'"),
    };

    /// <summary>
    /// Held for a scheduler's lifetime where the engine admits one scheduler: a DuckDB file gets a lock file beside it
    /// (<see cref="SchedulerLock"/>); SQL Server needs none (its job store clusters several). Dispose to release.
    /// </summary>
    public IDisposable? AcquireSchedulerLock() =>
        options.Warehouse.Engine == WarehouseOptions.DuckDbEngine ? SchedulerLock.Acquire(options.Warehouse.DuckDb.Path) : null;

    /// <summary>
    /// Puts a backup in place of the warehouse (DuckDB: verified, refused while another process or a scheduler holds
    /// it). SQL Server restores natively (<c>RESTORE DATABASE</c>), which this client does not do.
    /// </summary>
    public async Task<RestoreResult> RestoreAsync(string from, CancellationToken cancellationToken = default)
    {
        if (options.Warehouse.Engine != WarehouseOptions.DuckDbEngine)
        {
            throw new ConfigException(
                $"pipeline restore restores DuckDB files; on {options.Warehouse.Engine} restore natively (RESTORE DATABASE … FROM DISK = N'…' WITH CHECKSUM), see README 'Backups and integrity'");
        }

        // A running scheduler would open the file for its next job in the middle of the swap.
        using var scheduler = AcquireSchedulerLock();
        return await DuckDbBackups.RestoreAsync(options.Warehouse.DuckDb.Path, from, DateTimeOffset.UtcNow, cancellationToken);
    }

    private SqlServerWarehouse OpenSqlServer(bool createIfMissing)
    {
        try
        {
            return SqlServerWarehouse.Open(
                new SqlServerWarehouseOptions
                {
                    ConnectionString = options.Warehouse.SqlServer.ConnectionString ?? "",
                    CreateIfMissing = createIfMissing,
                    Reporting = options.Reporting,
                },
                loggerFactory.CreateLogger<SqlServerWarehouse>());
        }
        catch (ArgumentException ex)
        {
            // The messages name the problem and its key (connection string keyword, missing database, reporting time
            // zone), never the connection string itself.
            throw new ConfigException(ex.Message);
        }
    }
}
