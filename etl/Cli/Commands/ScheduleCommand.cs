using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Scheduling;
using Pipeline.Warehouse;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline schedule</c>: runs until Ctrl-C or SIGTERM, syncing each configured source account on its cron with
/// Quartz; after each run that committed something the BI copy is published and KPI anomalies are checked, and a
/// freshness check alerts on stale sources. Stopping lets running jobs commit the window they are loading (or roll
/// it back after Schedule:ShutdownGrace) and exits 0. On DuckDB one scheduler per warehouse file (exit 3 for a
/// second); the file is opened only while a job runs, so status and manual commands work in between.
/// </summary>
internal sealed class ScheduleCommand(
    PipelineOptions options,
    WarehouseFactory warehouses,
    SourceCatalog catalog,
    PipelineScheduler scheduler,
    IHostApplicationLifetime lifetime,
    IAnsiConsole console,
    ILogger<ScheduleCommand> logger) : ICommandHandler
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (!options.Schedule.Enabled)
        {
            throw new ConfigException("scheduling is switched off (Schedule:Enabled is false)");
        }

        if (catalog.Sources.Count == 0)
        {
            throw new ConfigException("no sources are configured: nothing to schedule (add a section under Sources, see README)");
        }

        if (scheduler.Plan.SyncJobs.Count == 0)
        {
            throw new ConfigException("every configured source is switched off in Schedule:Cron: nothing to schedule");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        // SIGTERM (systemd, docker stop) stops like Ctrl-C instead of killing the process mid-window.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        using var schedulerLock = warehouses.AcquireSchedulerLock();
        await using (var warehouse = warehouses.Open())
        {
            await warehouse.ThrowIfFailedCheckAsync(stop.Token);
            await warehouse.MigrateAsync(catalog.Streams, stop.Token);
            console.MarkupLineInterpolated($"Warehouse [bold]{warehouse.Location}[/] ({warehouse.Name})");
        }

        var (quartz, jobs) = await scheduler.StartAsync(stop.Token);
        try
        {
            Write(jobs);
            logger.LogInformation("Scheduling {Jobs} job(s); Ctrl-C or SIGTERM stops after the running windows commit", jobs.Count);
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (stop.Token.Register(() => stopped.TrySetResult()))
            {
                await stopped.Task;
            }
        }
        finally
        {
            await scheduler.StopAsync(quartz);
        }

        return ExitCodes.Ok;
    }

    private void Write(IReadOnlyList<ScheduledJobInfo> jobs)
    {
        var table = new Table().Title("Scheduled jobs").AddColumns("Job", "Cron", "Time zone", "Next run (UTC)");
        foreach (var job in jobs)
        {
            table.AddRow(Markup.Escape(job.Job), Markup.Escape(job.Cron), job.TimeZone,
                job.NextFireUtc?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "");
        }

        console.Write(table);
    }
}
