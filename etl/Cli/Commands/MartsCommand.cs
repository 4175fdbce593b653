using Pipeline.Cli.Output;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <param name="Rebuild">True: recompute every mart table whole; false: refresh what changed since the last refresh.</param>
internal sealed record MartsArguments(bool Rebuild);

/// <summary>
/// <c>pipeline marts refresh</c> / <c>pipeline marts rebuild</c>: the mart tables brought up to date with what was
/// loaded (as every sync does), or recomputed whole from their definitions (after editing dw.channel_mapping or
/// staging rows outside a sync, or when in doubt). Either runs in one transaction: on failure the tables keep their previous rows.
/// </summary>
internal sealed class MartsCommand(WarehouseFactory warehouses, MartsArguments arguments, IAnsiConsole console, CliEnvironment env, TimeProvider clock)
    : ICommandHandler
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var warehouse = warehouses.Open(createIfMissing: false);
        var marts = warehouse.Marts
            ?? throw new ConfigException($"the {warehouse.Name} warehouse has no mart tables (no Reporting settings)");
        var result = arguments.Rebuild
            ? await new Feedback(env, clock).RunAsync("rebuilding the mart tables", () => marts.RebuildAsync(cancellationToken))
            : await new Feedback(env, clock).RunAsync("refreshing the mart tables", () => marts.RefreshAsync(cancellationToken));
        var scope = result.From is { } from ? $"from {from:yyyy-MM-dd}" : "whole";
        console.MarkupLineInterpolated(
            $"{(arguments.Rebuild ? "Rebuilt" : "Refreshed")} [bold]{result.Marts.Count}[/] mart tables ({scope}) in {result.Duration.TotalSeconds:0.0} s");
        return ExitCodes.Ok;
    }
}
