using Microsoft.Extensions.Logging;
using Pipeline.Cli.Output;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Pipeline.Warehouse;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <param name="GrantBiReader">A login to give read access to dw and mart (SQL Server only), already validated.</param>
internal sealed record MigrateArguments(string? GrantBiReader);

/// <summary>
/// <c>pipeline migrate [--grant-bi-reader LOGIN]</c>: brings the warehouse to the current schema (a second run
/// changes nothing), then on SQL Server optionally maps a login to a user in the <c>pipeline_bi_reader</c> role.
/// </summary>
internal sealed class MigrateCommand(
    WarehouseFactory warehouses,
    SourceCatalog catalog,
    PipelineOptions options,
    MigrateArguments arguments,
    IAnsiConsole console,
    CliEnvironment env,
    TimeProvider clock,
    ILogger<MigrateCommand> logger)
    : ICommandHandler
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (arguments.GrantBiReader is not null && options.Warehouse.Engine != WarehouseOptions.SqlServerEngine)
        {
            // Before anything is opened or written: the option cannot mean anything on an embedded file.
            throw new ConfigException(
                $"--grant-bi-reader applies to the sqlserver engine only (Warehouse:Engine is {options.Warehouse.Engine}); a DuckDB file has no logins or roles");
        }

        await using var warehouse = warehouses.Open();
        var report = await new Feedback(env, clock).RunAsync(
            $"migrating the {warehouse.Name} warehouse", () => warehouse.MigrateAsync(catalog.Streams, cancellationToken));
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
        if (report.MartsRebuilt.Count > 0)
        {
            // A new or changed definition (or a setting it reads) means the old rows are no longer what it computes.
            console.MarkupLineInterpolated($"Mart tables rebuilt (new or changed definition): {string.Join(", ", report.MartsRebuilt)}");
        }

        if (arguments.GrantBiReader is { } login)
        {
            var grants = warehouse as IBiReaderGrants
                ?? throw new ConfigException($"--grant-bi-reader: the {warehouse.Name} engine has no roles");
            var grant = await grants.GrantBiReaderAsync(login, cancellationToken);
            logger.LogInformation(
                "BI reader {Login}: database user {User} (created {Created}), in pipeline_bi_reader before {AlreadyMember}",
                grant.Login, grant.DatabaseUser, grant.UserCreated, grant.AlreadyMember);
            var user = grant.UserCreated ? $"created database user {grant.DatabaseUser}" : $"database user {grant.DatabaseUser}";
            var role = grant.AlreadyMember ? "already in pipeline_bi_reader" : "added to pipeline_bi_reader";
            console.MarkupLineInterpolated($"BI reader [bold]{grant.Login}[/]: {user}, {role} (SELECT on dw and mart only)");
        }

        return ExitCodes.Ok;
    }
}
