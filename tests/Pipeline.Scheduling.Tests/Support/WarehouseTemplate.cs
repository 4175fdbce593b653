using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;

namespace Pipeline.Scheduling.Tests.Support;

/// <summary>
/// Migrating the star schema and marts takes seconds, so it is done once per test run and each test gets a copy of
/// the migrated file (with the built-in streams and <see cref="SlowSource"/>'s staging table).
/// </summary>
internal static class WarehouseTemplate
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? template;

    public static async Task CopyToAsync(string target)
    {
        await Gate.WaitAsync();
        try
        {
            template ??= await CreateAsync();
        }
        finally
        {
            Gate.Release();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
        File.Copy(template, target);
        if (File.Exists(template + ".wal"))
        {
            File.Copy(template + ".wal", target + ".wal");
        }
    }

    private static async Task<string> CreateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pipeline-scheduling-tests", "template-" + Guid.NewGuid().ToString("N"));
        var options = new PipelineOptions();
        options.Warehouse.DuckDb.Path = Path.Combine(folder, "warehouse.duckdb");
        var catalog = new SourceCatalog([new SlowSource()]);
        await using (var warehouse = new WarehouseFactory(options, NullLoggerFactory.Instance).Open())
        {
            await warehouse.MigrateAsync(catalog.Streams);
        }

        return options.Warehouse.DuckDb.Path;
    }
}
