using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Scheduling;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline publish</c>: writes the read-only BI copy of the marts (<c>Publish:Path</c>) now, e.g. after a
/// manual sync; <c>pipeline schedule</c> does it after every run. SQL Server needs none: BI reads it live.
/// </summary>
internal sealed class PublishCommand(
    WarehouseFactory warehouses, WarehouseOperations operations, PipelineOptions options, RunContext run, IAnsiConsole console) : ICommandHandler
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var warehouse = warehouses.Open(createIfMissing: false);
        if (operations.PublisherFor(warehouse) is not { } publisher)
        {
            console.MarkupLineInterpolated($"The {warehouse.Name} warehouse is read live by BI tools: nothing to publish.");
            return ExitCodes.Ok;
        }

        var result = await publisher.PublishAsync(options.Publish.Path, run.RunId, cancellationToken);
        console.MarkupLineInterpolated(
            $"Published [bold]{result.Tables}[/] tables ({result.Rows:N0} rows) to [bold]{result.Path}[/] in {result.Duration.TotalSeconds:0.0} s");
        return ExitCodes.Ok;
    }
}
