using Pipeline.Cli.Output;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline publish</c>: writes the read-only BI copy of the marts (<c>Publish:Path</c>) now, e.g. after a
/// manual sync; <c>pipeline schedule</c> does it after every run. An engine BI tools read live (SQL Server) has no
/// copy: the command says what they read there and succeeds.
/// </summary>
internal sealed class PublishCommand(
    WarehouseFactory warehouses, PipelineOptions options, RunContext run, IAnsiConsole console, CliEnvironment env, TimeProvider clock) : ICommandHandler
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var warehouse = warehouses.Open(createIfMissing: false);
        if (warehouse.Bi.Publisher is not { } publisher)
        {
            console.MarkupLineInterpolated($"Nothing to publish on {warehouse.Name} ({warehouse.Location}): {warehouse.Bi.Description}.");
            return ExitCodes.Ok;
        }

        var result = await new Feedback(env, clock).RunAsync(
            $"publishing to {options.Publish.Path}", () => publisher.PublishAsync(options.Publish.Path, run.RunId, cancellationToken));
        console.MarkupLineInterpolated(
            $"Published [bold]{result.Tables}[/] tables ({result.Rows:N0} rows) to [bold]{result.Path}[/] in {result.Duration.TotalSeconds:0.0} s{(result.FromPrevious ? " (from the previous copy: mart rows changed since replaced)" : "")}");
        return ExitCodes.Ok;
    }
}
