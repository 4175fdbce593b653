using Pipeline.Etl;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary><c>pipeline status</c>: runs, stream state and row counts of the warehouse.</summary>
internal sealed class StatusCommand(WarehouseFactory warehouses, IAnsiConsole console, TimeProvider clock, StatusArguments arguments) : ICommandHandler
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var warehouse = warehouses.Open(createIfMissing: false);
        var status = await warehouse.ReadStatusAsync(arguments.Runs, cancellationToken);
        console.MarkupLineInterpolated($"Warehouse [bold]{warehouse.Location}[/] ({warehouse.Name})");
        if (status.Objects.Count == 0)
        {
            console.MarkupLine("The warehouse is empty: run [bold]pipeline migrate[/] first.");
            return ExitCodes.Ok;
        }

        StatusView.WriteRuns(console, status);
        StatusView.WriteStates(console, status, clock.GetUtcNow().UtcDateTime);
        StatusView.WriteObjects(console, status);
        return ExitCodes.Ok;
    }
}

internal sealed record StatusArguments(int Runs);
