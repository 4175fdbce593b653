using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Etl;

namespace Pipeline.Cli.Commands;

internal sealed record RestoreArguments(string From);

/// <summary>
/// <c>pipeline restore --from FILE</c> (DuckDB): verifies the copy with the integrity check, then puts it in place of
/// the warehouse while no other process holds it (exit 3 otherwise; a running scheduler too), keeping the replaced file
/// beside it. SQL Server restores are native <c>RESTORE DATABASE</c> (README, Backups and integrity).
/// </summary>
internal sealed class RestoreCommand(WarehouseFactory warehouses, CliEnvironment env, RestoreArguments arguments) : ICommandHandler
{
    public static Command Build(CliEnvironment env, Option<FileInfo?> configOption)
    {
        var from = new Option<string>("--from") { Description = "The backup file to restore (from pipeline backup)", Required = true };
        from.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && !File.Exists(r.Tokens[0].Value))
            {
                r.AddError($"--from '{r.Tokens[0].Value}': no such file");
            }
        });
        var restore = new Command("restore", "Replace the warehouse with a verified backup copy; the replaced file is kept beside it");
        restore.Options.Add(from);
        restore.SetAction((p, ct) => CommandHost.RunAsync<RestoreCommand>(
            env, p.GetValue(configOption), s => s.AddSingleton(new RestoreArguments(p.GetValue(from)!)), ct));
        return restore;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var result = await warehouses.RestoreAsync(arguments.From, cancellationToken);
        await env.Out.WriteLineAsync($"Verified {result.From}: {result.Verified.Summary}");
        await env.Out.WriteLineAsync($"Restored it to {result.Warehouse}");
        if (result.ReplacedKeptAt is { } aside)
        {
            await env.Out.WriteLineAsync($"The replaced file is kept at {aside} (delete it once the restore is confirmed)");
        }

        return ExitCodes.Ok;
    }
}
