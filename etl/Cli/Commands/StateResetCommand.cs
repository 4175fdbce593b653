using Pipeline.Etl;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary>What <c>pipeline state reset</c> was asked for.</summary>
internal sealed record StateResetArguments(string Source, string? Stream, string? Account);

/// <summary>
/// <c>pipeline state reset --source S [--stream T] [--account A]</c>: forgets where streams stand by deleting their
/// <c>etl.sync_state</c> rows in one transaction, so the next sync starts over (report streams from their first-run
/// window, entity streams with a full read). Staging rows stay and are replaced by that sync; the run log stays.
/// </summary>
internal sealed class StateResetCommand(WarehouseFactory warehouses, SourceCatalog catalog, IAnsiConsole console, StateResetArguments arguments) : ICommandHandler
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        // A mistyped stream of a known source would match nothing and "reset" nothing; say what was meant instead.
        if (arguments.Stream is { } stream && catalog.Streams.Any(s => s.Source == arguments.Source)
            && StreamNames.Problem(catalog.Streams, arguments.Source, stream) is { } unknownStream)
        {
            throw new Etl.Configuration.ConfigException(unknownStream);
        }

        await using var warehouse = warehouses.Open(createIfMissing: false);
        var rows = await warehouse.RunLog.ResetStateAsync(arguments.Source, arguments.Stream, arguments.Account, cancellationToken);
        if (rows.Count == 0)
        {
            console.MarkupLineInterpolated($"No stream state matches {Describe()}: nothing reset.");
            return ExitCodes.Ok;
        }

        console.MarkupLineInterpolated($"Reset {rows.Count} stream state(s) of {Describe()}:");
        var table = new Table().AddColumns("Stream", "Account", "Cursor it had");
        foreach (var row in rows)
        {
            table.AddRow(Markup.Escape(row.Stream), Markup.Escape(row.AccountId), Markup.Escape(row.Cursor ?? ""));
        }

        console.Write(table);
        console.MarkupLine("The next sync starts these streams over; their staging rows stay until it replaces them.");
        return ExitCodes.Ok;
    }

    private string Describe() =>
        arguments.Source + (arguments.Stream is null ? "" : $".{arguments.Stream}") + (arguments.Account is null ? "" : $" account {arguments.Account}");
}
