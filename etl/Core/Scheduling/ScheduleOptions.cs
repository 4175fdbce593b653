namespace Pipeline.Etl.Scheduling;

/// <summary>
/// <c>Schedule</c>: when <c>pipeline schedule</c> syncs each source account, how it stops, and (SQL Server) whether
/// several scheduler nodes share one schedule through Quartz's clustered job store.
/// </summary>
public sealed class ScheduleOptions
{
    /// <summary>False makes <c>pipeline schedule</c> refuse to start (exit 2): a switch for a host that must not sync.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Quartz cron expression per source (<c>ga4</c>, <c>meta</c>, <c>mailchimp</c>, <c>hubspot</c>, <c>files</c>;
    /// seconds first, e.g. <c>0 15 * * * ?</c>), or <c>off</c> to leave a source unscheduled. Sources not named
    /// keep <see cref="ScheduleDefaults"/>. Every account of the source gets its own job on this cron.
    /// </summary>
    public Dictionary<string, string> Cron { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Time zone the cron expressions are read in (IANA id); empty: <c>Reporting:TimeZone</c>.</summary>
    public string? TimeZone { get; set; }

    /// <summary>How many jobs may run at once. 1 (the default) suits the single-writer DuckDB file.</summary>
    public int MaxConcurrentJobs { get; set; } = 1;

    /// <summary>
    /// On Ctrl-C / SIGTERM a running job finishes the window it is loading and commits it; after this long it is
    /// cancelled instead and that window rolls back. Either way no half window is left.
    /// </summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>DuckDB: how long a job waits for another process (a manual <c>pipeline sync</c>) to release the file.</summary>
    public TimeSpan BusyWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A trigger later than this (a busy thread, a stopped host) is a misfire: it fires once, at once.</summary>
    public TimeSpan MisfireThreshold { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Cron of the freshness check that alerts on sources stale beyond their SLA.</summary>
    public string FreshnessCheckCron { get; set; } = "0 5/15 * * * ?";

    /// <summary>Run every sync job once when the scheduler starts (catch up after a deploy), besides its cron.</summary>
    public bool RunOnStart { get; set; }

    /// <summary>
    /// SQL Server only: keep the schedule in the warehouse database (Quartz ADO.NET job store, clustered) so several
    /// <c>pipeline schedule</c> nodes share it and each job runs on one node at a time.
    /// </summary>
    public bool Clustered { get; set; }

    /// <summary>Clustered store: prefix of the Quartz tables (schema-qualified), see warehouse/SqlServer/Scripts/Quartz.</summary>
    public string TablePrefix { get; set; } = "quartz.QRTZ_";
}

/// <summary><c>Publish</c>: the read-only copy of the marts BI tools open instead of the live DuckDB file.</summary>
public sealed class PublishOptions
{
    /// <summary>Publish after each scheduled run that committed something (DuckDB only; SQL Server is read live).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The copy BI tools open, replaced atomically; relative to the working directory unless absolute.</summary>
    public string Path { get; set; } = "data/marts.duckdb";
}
