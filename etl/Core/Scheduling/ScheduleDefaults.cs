namespace Pipeline.Etl.Scheduling;

/// <summary>
/// When each source syncs and how stale it may get unless configured otherwise. Minutes are staggered so that a
/// single job thread rarely has two sources due at once.
/// </summary>
public static class ScheduleDefaults
{
    /// <summary>Cron (Quartz format: seconds first) by source name.</summary>
    public static IReadOnlyDictionary<string, string> Cron { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["ga4"] = "0 10 * * * ?",          // hourly: today's numbers fill in during the day; the lookback restates
        ["meta"] = "0 20 * * * ?",         // hourly
        ["mailchimp"] = "0 30 0/6 * * ?",  // every 6 h: campaign reports settle slowly
        ["hubspot"] = "0 0/30 * * * ?",    // every 30 min: leads and deals are worked on all day
        ["files"] = "0 40 * * * ?",        // hourly and cheap: an unchanged file is not read again
    };

    /// <summary>Used for a source this table does not know (a connector added later).</summary>
    public const string FallbackCron = "0 50 * * * ?";

    /// <summary>Freshness SLA in hours by source: a few missed runs, not one late run, make a source stale.</summary>
    public static IReadOnlyDictionary<string, double> SlaHours { get; } = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase)
    {
        ["ga4"] = 6,
        ["meta"] = 6,
        ["mailchimp"] = 18,
        ["hubspot"] = 2,
        ["files"] = 26,
    };

    public const double FallbackSlaHours = 24;

    /// <summary>The value that leaves a source unscheduled in <c>Schedule:Cron</c>.</summary>
    public const string Off = "off";

    public static string CronFor(string source, ScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Cron.TryGetValue(source, out var configured) && !string.IsNullOrWhiteSpace(configured)
            ? configured.Trim()
            : Cron.TryGetValue(source, out var cron) ? cron : FallbackCron;
    }

    public static double SlaHoursFor(string source, Alerts.AlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.FreshnessSlaHours.TryGetValue(source, out var configured)
            ? configured
            : SlaHours.TryGetValue(source, out var hours) ? hours : FallbackSlaHours;
    }
}
