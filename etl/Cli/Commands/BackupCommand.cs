using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;

namespace Pipeline.Cli.Commands;

internal sealed record BackupArguments(string? To);

/// <summary>
/// <c>pipeline backup [--to DIR]</c>: a consistent, verified copy of the warehouse named with the UTC time, keeping the
/// newest <c>Backup:Keep</c> copies in the folder (DuckDB). On SQL Server it runs a native copy-only
/// <c>BACKUP DATABASE</c> to that folder on the server and prints the statement.
/// </summary>
internal sealed class BackupCommand(WarehouseFactory warehouses, PipelineOptions options, CliEnvironment env, BackupArguments arguments) : ICommandHandler
{
    public static Command Build(CliEnvironment env, Option<FileInfo?> configOption)
    {
        var to = new Option<string?>("--to") { Description = "Folder for the copy (default Backup:Path, data/backups)" };
        to.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && File.Exists(r.Tokens[0].Value))
            {
                r.AddError($"--to '{r.Tokens[0].Value}' is a file; give the folder the copy goes to");
            }
        });
        var backup = new Command("backup", "Copy the warehouse consistently into a folder (named with the UTC time; Backup:Keep copies kept)");
        backup.Options.Add(to);
        backup.SetAction((p, ct) => CommandHost.RunAsync<BackupCommand>(
            env, p.GetValue(configOption), s => s.AddSingleton(new BackupArguments(p.GetValue(to))), ct));
        return backup;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var folder = string.IsNullOrWhiteSpace(arguments.To) ? options.Backup.Path : arguments.To;
        await using var warehouse = warehouses.Open(createIfMissing: false);
        var result = await warehouse.BackupAsync(folder, options.Backup.Keep, cancellationToken);
        if (result.Statement is { } statement)
        {
            await env.Out.WriteLineAsync($"Ran on {warehouse.Location}: {statement}");
        }

        await env.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Backup written to {result.Location}{(result.Bytes > 0 ? $" ({result.Bytes:N0} bytes, verified)" : " (verified)")}"));
        foreach (var removed in result.Removed)
        {
            await env.Out.WriteLineAsync($"Removed old backup {removed} (Backup:Keep is {options.Backup.Keep})");
        }

        return ExitCodes.Ok;
    }
}
