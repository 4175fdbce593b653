using DuckDB.NET.Data;
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
internal sealed class StateResetCommand(WarehouseFactory warehouses, IAnsiConsole console, StateResetArguments arguments) : ICommandHandler
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var warehouse = warehouses.Open(createIfMissing: false);
        if (warehouse.Name != "duckdb")
        {
            throw new NotSupportedException($"pipeline state reset supports DuckDB warehouses only (this one is {warehouse.Name}); delete the etl.sync_state rows in SQL");
        }

        // A second connection to the file the engine holds: DuckDB shares the open database within the process.
        await using var connection = new DuckDBConnection(new DuckDBConnectionStringBuilder { DataSource = Path.GetFullPath(warehouse.Location) }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        const string Where = "source = $source AND ($stream IS NULL OR stream = $stream) AND ($account IS NULL OR account_id = $account)";
        var rows = new List<(string Stream, string Account, string? Cursor)>();
        await using (var select = Command(connection, $"SELECT stream, account_id, cursor_value FROM etl.sync_state WHERE {Where} ORDER BY stream, account_id"))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
            }
        }

        if (rows.Count == 0)
        {
            console.MarkupLineInterpolated($"No stream state matches {Describe()}: nothing reset.");
            return ExitCodes.Ok;
        }

        await using (var delete = Command(connection, $"DELETE FROM etl.sync_state WHERE {Where}"))
        {
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        console.MarkupLineInterpolated($"Reset {rows.Count} stream state(s) of {Describe()}:");
        var table = new Table().AddColumns("Stream", "Account", "Cursor it had");
        foreach (var (stream, account, cursor) in rows)
        {
            table.AddRow(Markup.Escape(stream), Markup.Escape(account), Markup.Escape(cursor ?? ""));
        }

        console.Write(table);
        console.MarkupLine("The next sync starts these streams over; their staging rows stay until it replaces them.");
        return ExitCodes.Ok;
    }

    private string Describe() =>
        arguments.Source + (arguments.Stream is null ? "" : $".{arguments.Stream}") + (arguments.Account is null ? "" : $" account {arguments.Account}");

    private DuckDBCommand Command(DuckDBConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add(new DuckDBParameter("source", arguments.Source));
        command.Parameters.Add(new DuckDBParameter("stream", arguments.Stream));
        command.Parameters.Add(new DuckDBParameter("account", arguments.Account));
        return command;
    }
}
