using System.CommandLine;
using Pipeline.Etl;
using Pipeline.Warehouse;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline check</c>: reads every table of the warehouse so the engine verifies what it stores. Healthy: one line
/// and exit 0 (a failed check recorded earlier is cleared). Damaged: one stdout line per damaged table, a one-line
/// error and exit 1; the failed check is recorded and <c>sync</c> and <c>schedule</c> refuse to write until a backup is
/// restored or a later check passes.
/// </summary>
internal sealed class CheckCommand(WarehouseFactory warehouses, CliEnvironment env) : ICommandHandler
{
    public static Command Build(CliEnvironment env, Option<FileInfo?> configOption)
    {
        var check = new Command("check", "Read every table of the warehouse to find damaged data; exit 1 naming each damaged table");
        check.SetAction((p, ct) => CommandHost.RunAsync<CheckCommand>(env, p.GetValue(configOption), null, ct));
        return check;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        IntegrityReport report;
        await using (var warehouse = warehouses.Open(createIfMissing: false))
        {
            report = await warehouse.CheckAsync(cancellationToken);
        }

        foreach (var table in report.Damaged)
        {
            await env.Out.WriteLineAsync($"damaged: {table.QualifiedName}: {table.Error}");
        }

        if (!report.Healthy)
        {
            throw new WarehouseDamagedException($"{report.Summary}; {IntegrityGuard.WhatToDo}");
        }

        await env.Out.WriteLineAsync(report.Summary);
        return ExitCodes.Ok;
    }
}
