using Microsoft.Extensions.Logging;
using Pipeline.Etl;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary><c>pipeline migrate</c>: brings the warehouse to the current schema; a second run changes nothing.</summary>
internal sealed class MigrateCommand(WarehouseFactory warehouses, SourceCatalog catalog, IAnsiConsole console, ILogger<MigrateCommand> logger)
    : ICommandHandler
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var warehouse = warehouses.Open();
        var report = await warehouse.MigrateAsync(catalog.Streams, cancellationToken);
        logger.LogInformation(
            "Migrated {Engine} warehouse {Location}: {Versioned} versioned scripts applied, {Always} run-always scripts run",
            warehouse.Name, warehouse.Location, report.VersionedScriptsApplied.Count, report.AlwaysScriptsRun.Count);

        console.MarkupLineInterpolated($"Warehouse [bold]{warehouse.Location}[/] ({warehouse.Name})");
        if (report.VersionedScriptsApplied.Count == 0)
        {
            console.MarkupLine("Versioned scripts: none to apply (already up to date)");
        }
        else
        {
            var table = new Table().AddColumn("Applied versioned script");
            foreach (var script in report.VersionedScriptsApplied)
            {
                table.AddRow(Markup.Escape(script));
            }

            console.Write(table);
        }

        console.MarkupLineInterpolated($"Run-always scripts (staging tables and views): {report.AlwaysScriptsRun.Count}");
        return ExitCodes.Ok;
    }
}
