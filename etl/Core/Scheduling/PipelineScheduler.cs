using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Etl.Configuration;
using Quartz;

namespace Pipeline.Etl.Scheduling;

/// <summary>A scheduled job as started: what runs, on which cron, and when next.</summary>
public sealed record ScheduledJobInfo(string Job, string Cron, string TimeZone, DateTimeOffset? NextFireUtc);

/// <summary>
/// Puts the <see cref="SchedulePlan"/> into Quartz and takes it out again: one cron trigger per job with the
/// fire-once-now misfire instruction, then start; on stop, a shutdown that waits for running jobs (which are told
/// to finish their window), bounded by the shutdown grace plus a margin for the rollback.
/// Report deliveries (<c>Reports</c>) get a job each when the host registered an <see cref="Delivery.IReportDelivery"/>.
/// </summary>
public sealed class PipelineScheduler(ISchedulerFactory factory, PipelineOptions options, SourceCatalog catalog, ILogger<PipelineScheduler> logger, Delivery.IReportDelivery? delivery = null)
{
    public SchedulePlan Plan { get; } = SchedulePlan.Build(options, catalog.Sources.Select(s => s.Name));

    public async Task<(IScheduler Scheduler, IReadOnlyList<ScheduledJobInfo> Jobs)> StartAsync(CancellationToken cancellationToken)
    {
        var scheduler = await factory.GetScheduler(cancellationToken);
        var infos = new List<ScheduledJobInfo>();
        var wanted = new HashSet<JobKey>();
        foreach (var job in Plan.SyncJobs)
        {
            var key = new JobKey(job.Name, SyncJobPlan.Group);
            wanted.Add(key);
            var detail = JobBuilder.Create<SyncJob>()
                .WithIdentity(key)
                .WithDescription($"sync {job.Source} {job.AccountLabel}")
                .UsingJobData(SyncJob.SourceKey, job.Source)
                .UsingJobData(SyncJob.AccountIndexKey, job.AccountIndex?.ToString(CultureInfo.InvariantCulture) ?? "")
                .UsingJobData(SyncJob.AccountLabelKey, job.AccountLabel)
                .Build();
            var next = await scheduler.ScheduleJob(detail, CronTrigger(scheduler, job.Name, SyncJobPlan.Group, job.Cron), ScheduleJobOptions.Replacing, cancellationToken);
            infos.Add(new ScheduledJobInfo(key.ToString(), job.Cron, Plan.TimeZone.Id, next));
            if (options.Schedule.RunOnStart)
            {
                await scheduler.TriggerJob(key, new JobDataMap(), cancellationToken);
            }
        }

        var freshness = JobBuilder.Create<FreshnessJob>().WithIdentity(FreshnessJob.Key).WithDescription("freshness SLA check").Build();
        var freshnessNext = await scheduler.ScheduleJob(freshness, CronTrigger(scheduler, FreshnessJob.Key.Name, FreshnessJob.Key.Group, Plan.FreshnessCron), ScheduleJobOptions.Replacing, cancellationToken);
        infos.Add(new ScheduledJobInfo(FreshnessJob.Key.ToString(), Plan.FreshnessCron, Plan.TimeZone.Id, freshnessNext));

        if (delivery is not null)
        {
            foreach (var report in options.Reports)
            {
                var key = new JobKey(report.Name, ReportDeliveryJob.Group);
                wanted.Add(key);
                var detail = JobBuilder.Create<ReportDeliveryJob>().WithIdentity(key).WithDescription($"report {report.Name} to {report.To.Count} recipient(s)")
                    .UsingJobData(ReportDeliveryJob.DeliveryKey, report.Name).Build();
                var next = await scheduler.ScheduleJob(detail, CronTrigger(scheduler, report.Name, ReportDeliveryJob.Group, report.Cron.Trim()), ScheduleJobOptions.Replacing, cancellationToken);
                infos.Add(new ScheduledJobInfo(key.ToString(), report.Cron, Plan.TimeZone.Id, next));
            }
        }

        // A clustered store outlives configuration changes: jobs of accounts no longer configured go.
        var stale = (await scheduler.QueryJobs(new JobQuery { Group = GroupMatcher<JobKey>.GroupEquals(SyncJobPlan.Group) }, cancellationToken)).Items
            .Concat((await scheduler.QueryJobs(new JobQuery { Group = GroupMatcher<JobKey>.GroupEquals(ReportDeliveryJob.Group) }, cancellationToken)).Items)
            .Select(j => j.Key).Where(k => !wanted.Contains(k)).ToList();
        if (stale.Count > 0)
        {
            await scheduler.DeleteJobs(stale, cancellationToken);
            logger.LogInformation("Removed {Count} scheduled job(s) no longer configured: {Jobs}", stale.Count, string.Join(", ", stale));
        }

        await scheduler.Start(cancellationToken);
        logger.LogInformation("Scheduler started: {Jobs} sync job(s) in {TimeZone}, up to {Threads} at once", Plan.SyncJobs.Count, Plan.TimeZone.Id, options.Schedule.MaxConcurrentJobs);
        return (scheduler, infos);
    }

    /// <summary>Waits for running jobs: each commits (or, after the grace, rolls back) its window and returns.</summary>
    public async Task StopAsync(IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        logger.LogInformation("Stopping: running jobs finish the window they are loading (grace {Grace})", options.Schedule.ShutdownGrace);
        using var bound = new CancellationTokenSource(options.Schedule.ShutdownGrace + TimeSpan.FromMinutes(1));
        try
        {
            await scheduler.Shutdown(waitForJobsToComplete: true, bound.Token);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            logger.LogWarning("Stopped without waiting longer for a job that ignored cancellation");
        }

        logger.LogInformation("Scheduler stopped");
    }

    /// <summary>Starts on the scheduler's own clock (a test's fake one included), fires once now after a misfire.</summary>
    private ITrigger CronTrigger(IScheduler scheduler, string name, string group, string cron) =>
        TriggerBuilder.Create(scheduler.TimeProvider)
            .WithIdentity(name, group)
            .WithSchedule(CronScheduleBuilder.Create(cron)
                .InTimeZone(Plan.TimeZone)
                .WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
            .Build();
}
