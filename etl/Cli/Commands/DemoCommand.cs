using Microsoft.Extensions.Logging;
using Pipeline.Etl;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline demo</c>: the end-to-end run on the embedded warehouse. Today it migrates and shows the layers and
/// the run table; each connector that lands adds its sync against the sandbox here.
/// </summary>
internal sealed class DemoCommand(WarehouseFactory warehouses, SourceCatalog catalog, IAnsiConsole console, ILogger<DemoCommand> logger)
    : ICommandHandler
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var warehouse = warehouses.Open();
        var report = await warehouse.MigrateAsync(catalog.Streams, cancellationToken);
        logger.LogInformation("Demo warehouse {Location} ready ({Applied} versioned scripts applied now)", warehouse.Location, report.VersionedScriptsApplied.Count);

        var status = await warehouse.ReadStatusAsync(20, cancellationToken);
        console.MarkupLineInterpolated($"Warehouse [bold]{warehouse.Location}[/] ({warehouse.Name})");
        var schemas = new Table().Title("Schemas").AddColumns("Schema", "Purpose", "Objects");
        foreach (var (schema, purpose) in Layers)
        {
            var objects = status.Objects.Where(o => o.Schema == schema).Select(o => o.Name).ToList();
            schemas.AddRow(schema, purpose, Markup.Escape(objects.Count == 0 ? "(none yet)" : string.Join(", ", objects)));
        }

        console.Write(schemas);
        StatusView.WriteRuns(console, status);
        console.MarkupLine(catalog.Sources.Count == 0
            ? "No connectors are registered in this build yet, so nothing was synced."
            : $"Sources: {string.Join(", ", catalog.Sources.Select(s => s.Name))}");
        return ExitCodes.Ok;
    }

    private static readonly (string Schema, string Purpose)[] Layers =
    [
        ("etl", "run log, stream state, rejected records, migration journal"),
        ("staging", "typed source-shaped tables, one per stream"),
        ("dw", "conformed star schema (dimensions and facts)"),
        ("mart", "KPI views for BI tools"),
    ];
}
