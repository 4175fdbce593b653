using Pipeline.Connectors.Modules;
using Pipeline.Etl;
using Pipeline.Etl.Alerts;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Scheduling;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline status</c>: runs, stream state, freshness per configured source against its SLA, and row counts of
/// the warehouse. Exit code 4 (<see cref="ExitCodes.Stale"/>) when a configured source is stale, for monitoring.
/// </summary>
internal sealed class StatusCommand(
    WarehouseFactory warehouses, SourceCatalog catalog, PipelineOptions options, IAnsiConsole console, TimeProvider clock, StatusArguments arguments, CliEnvironment env)
    : ICommandHandler
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var warehouse = warehouses.OpenForReading();
        if (warehouse.ReadingPublishedCopy is { } note)
        {
            await env.Error.WriteLineAsync(note);
        }
        // Freshness needs a day of runs; the runs table shows only the most recent ones asked for.
        var status = await warehouse.ReadStatusAsync(Math.Max(arguments.Runs, FreshnessCheck.RunsRead), cancellationToken);
        console.MarkupLineInterpolated($"Warehouse [bold]{warehouse.Location}[/] ({warehouse.Name})");
        if (status.Objects.Count == 0)
        {
            console.MarkupLine("The warehouse is empty: run [bold]pipeline migrate[/] first.");
            return ExitCodes.Ok;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        StatusView.WriteRuns(console, status with { RecentRuns = status.RecentRuns.Take(arguments.Runs).ToList() });
        StatusView.WriteStates(console, status, now);
        var freshness = Freshness.Evaluate(status, FreshnessCheck.ConfiguredStreams(catalog), options.Alerts, now);
        StatusView.WriteFreshness(console, freshness);
        StatusView.WriteObjects(console, status);
        await WriteApiVersionsAsync(DateOnly.FromDateTime(now));
        await WriteSourceHealthAsync(warehouse, cancellationToken);
        foreach (var line in await FxWarnings.ReadAsync(warehouse.Reader, cancellationToken))
        {
            await env.Error.WriteLineAsync(line);
        }

        var stale = freshness.Where(f => f.Stale).ToList();
        if (stale.Count == 0)
        {
            return ExitCodes.Ok;
        }

        console.MarkupLineInterpolated($"[bold]Stale beyond SLA:[/] {string.Join(", ", stale.Select(StatusView.Describe))} (exit code {ExitCodes.Stale})");
        return ExitCodes.Stale;
    }

    /// <summary>API versions of the configured sources against their published end; one stderr line warns of those near it.</summary>
    private async Task WriteApiVersionsAsync(DateOnly today)
    {
        var checks = ApiVersionAlerts.Evaluate(options.Sources, today);
        StatusView.WriteApiVersions(console, checks);
        var near = checks.Where(c => c.Warn).ToList();
        if (near.Count > 0)
        {
            await env.Error.WriteLineAsync(
                $"warning: API version at or within {ApiLifecycle.WarnDays} days of its end: {string.Join("; ", near.Select(c => c.Describe()))} (table as of {ApiLifecycle.AsOf:yyyy-MM-dd})");
        }
    }

    /// <summary>Unhealthy streams (mart.source_health as the health alert judges it); one line when all are healthy.</summary>
    private async Task WriteSourceHealthAsync(Warehouse.IWarehouseEngine warehouse, CancellationToken cancellationToken)
    {
        var check = new SourceHealthCheck(NoAlerts.Instance, options.Alerts.Health, clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<SourceHealthCheck>.Instance);
        IReadOnlyList<HealthFinding> findings;
        try
        {
            findings = await check.AssessAsync(new MartSourceHealthFeed(warehouse.Reader), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A warehouse migrated before mart.source_health existed: say so rather than fail the whole status.
            console.MarkupLineInterpolated($"Source health: not available ({ex.Message.Split('\n')[0]}); run pipeline migrate");
            return;
        }

        if (findings.Count == 0)
        {
            console.MarkupLine("Source health: every stream's columns and volume look as usual");
            return;
        }

        var table = new Table().Title("Unhealthy streams (mart.source_health)").AddColumns("Source", "Stream", "Column", "Since", "Detail");
        foreach (var f in findings)
        {
            table.AddRow(Markup.Escape(f.Source), Markup.Escape(f.Stream), Markup.Escape(f.Subject), f.Since.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(f.Detail));
        }

        console.Write(table);
    }

    /// <summary>Status only looks: nothing is sent.</summary>
    private sealed class NoAlerts : IAlertSink
    {
        public static NoAlerts Instance { get; } = new();

        public Task SendAsync(Alert alert, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}

internal sealed record StatusArguments(int Runs);
