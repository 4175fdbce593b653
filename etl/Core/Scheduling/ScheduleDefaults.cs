namespace Pipeline.Etl.Scheduling;

/// <summary>
/// When each source syncs and how stale it may get unless configured otherwise. Minutes are staggered so that a
/// single job thread rarely has two sources due at once.
/// </summary>
public static class ScheduleDefaults
{
    /// <summary>Cron (Quartz format: seconds first) by source name, from each source's module.</summary>
    public static IReadOnlyDictionary<string, string> Cron { get; } =
        Sources.Modules.ToDictionary(m => m.Name, m => m.DefaultCron, StringComparer.OrdinalIgnoreCase);

    /// <summary>Used for a source no module names (a job keyed by an unknown name).</summary>
    public const string FallbackCron = "0 50 * * * ?";

    /// <summary>Freshness SLA in hours by source, from each source's module: a few missed runs, not one late run, make a source stale.</summary>
    public static IReadOnlyDictionary<string, double> SlaHours { get; } =
        Sources.Modules.ToDictionary(m => m.Name, m => m.FreshnessSlaHours, StringComparer.OrdinalIgnoreCase);

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
