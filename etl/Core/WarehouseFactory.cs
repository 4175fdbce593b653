using Microsoft.Extensions.Logging;
using Pipeline.Etl.Configuration;
using Pipeline.Warehouse;
using Pipeline.Warehouse.DuckDb;

namespace Pipeline.Etl;

/// <summary>Opens the configured warehouse engine. The one place that knows which engines exist.</summary>
public sealed class WarehouseFactory(PipelineOptions options, ILoggerFactory loggerFactory)
{
    /// <param name="createIfMissing">False for commands that only read: they must not leave an empty warehouse behind.</param>
    public IWarehouseEngine Open(bool createIfMissing = true) => options.Warehouse.Engine switch
    {
        WarehouseOptions.DuckDbEngine => DuckDbWarehouse.Open(
            new DuckDbWarehouseOptions { Path = options.Warehouse.DuckDb.Path, CreateIfMissing = createIfMissing, Reporting = options.Reporting },
            loggerFactory.CreateLogger<DuckDbWarehouse>()),
        WarehouseOptions.SqlServerEngine => throw new NotSupportedException(
            "the sqlserver engine is not in this build yet; use Warehouse:Engine=duckdb"),
        var other => throw new ConfigException($"unknown warehouse engine '{other}'"),
    };
}
