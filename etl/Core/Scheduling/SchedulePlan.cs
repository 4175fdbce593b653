using System.Text.RegularExpressions;
using Pipeline.Etl.Configuration;

namespace Pipeline.Etl.Scheduling;

/// <summary>One sync job: a source account and the cron it runs on.</summary>
public sealed partial record SyncJobPlan(string Source, int? AccountIndex, string AccountLabel, string Cron)
{
    public const string Group = "sync";

    /// <summary>Stable across restarts (the clustered store keys jobs by it): source and configured account.</summary>
    public string Name => $"{Source}.{Unsafe().Replace(AccountLabel, "_")}";
}

/// <summary>
/// What <c>pipeline schedule</c> runs, derived from configuration alone: one job per configured source account
/// (a source whose accounts configuration does not list gets one job for all of them), each on its source's cron
/// in one time zone, plus the freshness check.
/// </summary>
public sealed record SchedulePlan(IReadOnlyList<SyncJobPlan> SyncJobs, string FreshnessCron, TimeZoneInfo TimeZone)
{
    public static SchedulePlan Build(PipelineOptions options, IEnumerable<string> sources)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sources);
        var accounts = ScheduledAccount.FromConfiguration(options.Sources);
        var jobs = new List<SyncJobPlan>();
        foreach (var source in sources.Order(StringComparer.Ordinal))
        {
            var cron = ScheduleDefaults.CronFor(source, options.Schedule);
            if (string.Equals(cron, ScheduleDefaults.Off, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var configured = accounts.Where(a => a.Source == source).ToList();
            jobs.AddRange(configured.Count == 0
                ? [new SyncJobPlan(source, null, "all", cron)]
                : configured.Select(a => new SyncJobPlan(source, a.Index, a.Label, cron)));
        }

        return new SchedulePlan(jobs, options.Schedule.FreshnessCheckCron, ResolveTimeZone(options));
    }

    public static TimeZoneInfo ResolveTimeZone(PipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var id = string.IsNullOrWhiteSpace(options.Schedule.TimeZone) ? options.Reporting.TimeZone : options.Schedule.TimeZone;
        return string.IsNullOrWhiteSpace(id) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(id);
    }
}

public sealed partial record SyncJobPlan
{
    [GeneratedRegex("[^A-Za-z0-9_:-]")]
    private static partial Regex Unsafe();
}
