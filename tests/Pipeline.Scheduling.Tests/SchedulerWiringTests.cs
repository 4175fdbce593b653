using Microsoft.Extensions.Time.Testing;
using Pipeline.Connectors.Ga4;
using Pipeline.Connectors.HubSpot;
using Pipeline.Connectors.Mailchimp;
using Pipeline.Connectors.Meta;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Scheduling;
using Pipeline.Scheduling.Tests.Support;
using Quartz;

namespace Pipeline.Scheduling.Tests;

/// <summary>The schedule as Quartz holds it: triggers from configuration, one run per job at a time, misfires.</summary>
public sealed class SchedulerWiringTests : TestFolder
{
    [Test]
    public void Each_configured_account_gets_a_job_on_its_sources_cron_with_defaults_overrides_and_off()
    {
        var options = new PipelineOptions();
        options.Sources.Ga4 = new Ga4Options { Properties = [new Ga4PropertyOptions { PropertyId = "111" }, new Ga4PropertyOptions { PropertyId = "222" }] };
        options.Sources.Meta = new MetaOptions { AdAccountIds = ["act_333"] };
        options.Sources.HubSpot = new HubSpotOptions { Accounts = [new HubSpotAccountOptions { PortalId = "444" }] };
        options.Sources.Mailchimp = new MailchimpOptions { Accounts = [new MailchimpAccountOptions()] };
        options.Schedule.Cron["HubSpot"] = "0 0/10 * * * ?";
        options.Schedule.Cron["mailchimp"] = "off";
        options.Reporting = new Pipeline.Warehouse.ReportingSettings { TimeZone = "Europe/Berlin" };

        var plan = SchedulePlan.Build(options, ["ga4", "hubspot", "mailchimp", "meta"]);

        Assert.That(plan.SyncJobs.Select(j => (j.Name, j.Cron, j.AccountIndex)), Is.EqualTo(new[]
        {
            ("ga4.111", ScheduleDefaults.Cron["ga4"], (int?)0),
            ("ga4.222", ScheduleDefaults.Cron["ga4"], (int?)1),
            ("hubspot.444", "0 0/10 * * * ?", (int?)0),
            ("meta.333", ScheduleDefaults.Cron["meta"], (int?)0),
        }));
        Assert.That(plan.TimeZone.Id, Is.EqualTo("Europe/Berlin"), "cron reads in the reporting time zone unless Schedule:TimeZone says otherwise");
        Assert.That(ScheduleDefaults.Cron, Does.ContainKey("hubspot").WithValue("0 0/30 * * * ?"));
        Assert.That(ScheduleDefaults.Cron, Does.ContainKey("mailchimp").WithValue("0 30 0/6 * * ?"));
    }

    [Test]
    public async Task Quartz_holds_a_cron_trigger_per_job_in_the_configured_zone_with_fire_once_now_and_no_concurrency()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 30, TimeSpan.Zero));
        await using var host = await SchedulingHost.StartAsync(Folder, [new SlowSource()], o =>
        {
            o.Schedule.Cron[SlowSource.Name_] = "0 0/7 * * * ?";
            o.Schedule.TimeZone = "America/New_York";
        }, clock);
        var (scheduler, jobs) = await host.Get<PipelineScheduler>().StartAsync(CancellationToken.None);
        try
        {
            var trigger = (ICronTrigger)(await scheduler.GetTrigger(new TriggerKey("slow.all", SyncJobPlan.Group)))!;
            var job = (await scheduler.GetJobDetail(new JobKey("slow.all", SyncJobPlan.Group)))!;
            var freshness = (ICronTrigger)(await scheduler.GetTrigger(new TriggerKey(FreshnessJob.Key.Name, FreshnessJob.Key.Group)))!;

            Assert.That(trigger.CronExpressionString, Is.EqualTo("0 0/7 * * * ?"));
            Assert.That(trigger.TimeZone.Id, Is.EqualTo("America/New_York"));
            Assert.That(trigger.MisfireInstruction, Is.EqualTo(CronTriggerMisfireInstruction.FireAndProceed), "a missed firing fires once, now");
            Assert.That(trigger.NextFireTimeUtc, Is.EqualTo(new DateTimeOffset(2026, 3, 2, 8, 7, 0, TimeSpan.Zero)));
            Assert.That(job.ConcurrentExecutionDisallowed, Is.True, "[DisallowConcurrentExecution] on SyncJob");
            Assert.That(job.JobDataMap[SyncJob.SourceKey], Is.EqualTo("slow"));
            Assert.That(freshness.CronExpressionString, Is.EqualTo(host.Options.Schedule.FreshnessCheckCron));
            Assert.That(jobs.Select(j => j.Job), Is.EquivalentTo(new[] { "sync.slow.all", "ops.freshness" }));
        }
        finally
        {
            await scheduler.Shutdown(true);
        }
    }

    [Test]
    public async Task A_misfired_trigger_fires_once_now_and_then_keeps_its_schedule()
    {
        // One second past the minute: the next firing is 59 s away, beyond Quartz's 30 s look-ahead (idle wait), so
        // the scheduler thread cannot have acquired it before the stall below. Had it been acquired, the stale
        // firing would run as well as the misfire's fire-now, and the count would depend on thread timing.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 8, 0, 1, TimeSpan.Zero));
        var source = new SlowSource(firstRunDays: 1, rowsPerDay: 1);
        await using var host = await SchedulingHost.StartAsync(Folder, [source], o =>
        {
            o.Schedule.Cron[SlowSource.Name_] = "0 * * * * ?";
            o.Schedule.TimeZone = "UTC";
            o.Schedule.MisfireThreshold = TimeSpan.FromSeconds(5);
            o.Schedule.FreshnessCheckCron = SchedulingHost.Never;
            o.Publish.Enabled = false;
        }, clock);
        var (scheduler, _) = await host.Get<PipelineScheduler>().StartAsync(CancellationToken.None);
        try
        {
            var key = new TriggerKey("slow.all", SyncJobPlan.Group);
            Assert.That((await scheduler.GetTrigger(key))!.NextFireTimeUtc, Is.EqualTo(new DateTimeOffset(2026, 3, 2, 8, 1, 0, TimeSpan.Zero)));

            // The host stalls for ten minutes: ten firings are missed by far more than the misfire threshold.
            await scheduler.Standby();
            clock.Advance(TimeSpan.FromMinutes(10));
            await scheduler.Start();
            await WaitUntilAsync(() => source.Connects > 0, "the misfired trigger to fire");
            await Task.Delay(1000);

            Assert.That(source.Connects, Is.EqualTo(1), "fired once, not once per missed minute");
            Assert.That((await scheduler.GetTrigger(key))!.NextFireTimeUtc, Is.EqualTo(new DateTimeOffset(2026, 3, 2, 8, 11, 0, TimeSpan.Zero)),
                "then back on its schedule: the next whole minute after now");
        }
        finally
        {
            await scheduler.Shutdown(true);
        }
    }

    [Test]
    public async Task A_trigger_that_comes_due_while_the_job_runs_waits_for_it_instead_of_running_beside_it()
    {
        var source = new SlowSource(firstRunDays: 1, rowsPerDay: 1)
        {
            // Each run lasts 1.2 s; the cron fires every second and a manual trigger comes on top.
            OnConnect = ct => Task.Delay(1200, ct),
        };
        await using var host = await SchedulingHost.StartAsync(Folder, [source], o =>
        {
            o.Schedule.Cron[SlowSource.Name_] = "* * * * * ?";
            o.Schedule.MaxConcurrentJobs = 4;
            o.Schedule.FreshnessCheckCron = SchedulingHost.Never;
            o.Publish.Enabled = false;
            o.Alerts.Anomalies = false;
        });
        var (scheduler, _) = await host.Get<PipelineScheduler>().StartAsync(CancellationToken.None);
        try
        {
            await WaitUntilAsync(() => source.Connects >= 1, "the first run");
            await scheduler.TriggerJob(new JobKey("slow.all", SyncJobPlan.Group), new JobDataMap());
            await WaitUntilAsync(() => source.Connects >= 3, "three runs", seconds: 30);
        }
        finally
        {
            await scheduler.Shutdown(true);
        }

        Assert.That(source.MaxConcurrentRuns, Is.EqualTo(1), "four threads were free, yet runs of one job never overlapped");
    }
}
