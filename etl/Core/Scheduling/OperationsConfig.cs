using System.Globalization;
using Pipeline.Etl.Configuration;
using Quartz;

namespace Pipeline.Etl.Scheduling;

/// <summary>What the <c>Schedule</c>, <c>Alerts</c> and <c>Publish</c> settings mean; each problem names its key.</summary>
public static class OperationsConfig
{
    public static void Check(PipelineOptions options, Action<string, string> fail)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fail);
        var schedule = options.Schedule;
        var known = Etl.Sources.Known.Select(s => s.ToLowerInvariant()).ToList();
        foreach (var (source, cron) in schedule.Cron)
        {
            if (!known.Contains(source, StringComparer.OrdinalIgnoreCase))
            {
                fail($"Schedule:Cron:{source}", $"'{source}' is not a source (use {string.Join(", ", known)})");
            }
            else if (!string.Equals(cron?.Trim(), ScheduleDefaults.Off, StringComparison.OrdinalIgnoreCase) && !IsCron(cron))
            {
                fail($"Schedule:Cron:{source}", $"'{cron}' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week, e.g. '0 15 * * * ?'), nor 'off'");
            }
        }

        if (!IsCron(schedule.FreshnessCheckCron))
        {
            fail("Schedule:FreshnessCheckCron", $"'{schedule.FreshnessCheckCron}' is not a Quartz cron expression (e.g. '0 5/15 * * * ?')");
        }

        if (!string.IsNullOrWhiteSpace(schedule.TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(schedule.TimeZone, out _))
        {
            fail("Schedule:TimeZone", $"'{schedule.TimeZone}' is not a time zone (use an IANA name such as Europe/Berlin)");
        }

        if (schedule.MaxConcurrentJobs is < 1 or > 32)
        {
            fail("Schedule:MaxConcurrentJobs", string.Create(CultureInfo.InvariantCulture, $"{schedule.MaxConcurrentJobs} is outside 1..32"));
        }

        CheckDuration("Schedule:ShutdownGrace", schedule.ShutdownGrace, TimeSpan.Zero, TimeSpan.FromHours(1), fail);
        CheckDuration("Schedule:BusyWait", schedule.BusyWait, TimeSpan.Zero, TimeSpan.FromHours(6), fail);
        CheckDuration("Schedule:MisfireThreshold", schedule.MisfireThreshold, TimeSpan.FromSeconds(1), TimeSpan.FromHours(6), fail);

        if (schedule.Clustered && options.Warehouse.Engine != WarehouseOptions.SqlServerEngine)
        {
            fail("Schedule:Clustered", "needs Warehouse:Engine sqlserver: the clustered job store lives in the SQL Server warehouse (DuckDB runs one scheduler)");
        }

        if (string.IsNullOrWhiteSpace(schedule.TablePrefix) || schedule.TablePrefix.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '.')))
        {
            fail("Schedule:TablePrefix", $"'{schedule.TablePrefix}' is not a table prefix (letters, digits, '_' and one '.' after a schema, e.g. quartz.QRTZ_)");
        }

        var alerts = options.Alerts;
        if (!string.IsNullOrWhiteSpace(alerts.WebhookUrl)
            && (!Uri.TryCreate(alerts.WebhookUrl, UriKind.Absolute, out var webhook) || webhook.Scheme is not ("https" or "http")))
        {
            fail("Alerts:WebhookUrl", "is not an http(s) URL (the incoming-webhook URL Slack or Teams gives you)");
        }

        foreach (var (source, hours) in alerts.FreshnessSlaHours)
        {
            if (!known.Contains(source, StringComparer.OrdinalIgnoreCase))
            {
                fail($"Alerts:FreshnessSlaHours:{source}", $"'{source}' is not a source (use {string.Join(", ", known)})");
            }
            else if (hours is <= 0 or > 8760 || double.IsNaN(hours))
            {
                fail($"Alerts:FreshnessSlaHours:{source}", string.Create(CultureInfo.InvariantCulture, $"{hours} must be above 0 and at most 8760 (a year)"));
            }
        }

        if (alerts.MaxAnomaliesListed is < 1 or > 100)
        {
            fail("Alerts:MaxAnomaliesListed", string.Create(CultureInfo.InvariantCulture, $"{alerts.MaxAnomaliesListed} is outside 1..100"));
        }

        var health = alerts.Health;
        if (health.MinFillRate is <= 0 or > 1 || double.IsNaN(health.MinFillRate))
        {
            fail("Alerts:Health:MinFillRate", string.Create(CultureInfo.InvariantCulture, $"{health.MinFillRate} is outside (0, 1] (a share of rows, e.g. 0.5)"));
        }

        if (health.BaselineFilledShare is <= 0 or > 1 || double.IsNaN(health.BaselineFilledShare))
        {
            fail("Alerts:Health:BaselineFilledShare", string.Create(CultureInfo.InvariantCulture, $"{health.BaselineFilledShare} is outside (0, 1] (a share of days, e.g. 0.9)"));
        }

        if (health.BaselineDays is < 7 or > 365)
        {
            fail("Alerts:Health:BaselineDays", string.Create(CultureInfo.InvariantCulture, $"{health.BaselineDays} is outside 7..365"));
        }

        if (health.VolumeMadFactor is < 0 or > 100 || double.IsNaN(health.VolumeMadFactor))
        {
            fail("Alerts:Health:VolumeMadFactor", string.Create(CultureInfo.InvariantCulture, $"{health.VolumeMadFactor} is outside 0..100 (0 turns the volume check off)"));
        }

        var publish = options.Publish;
        if (string.IsNullOrWhiteSpace(publish.Path))
        {
            fail("Publish:Path", "is empty");
        }
        else if (Directory.Exists(publish.Path))
        {
            fail("Publish:Path", $"'{publish.Path}' is a folder; give the file BI tools open (e.g. data/marts.duckdb)");
        }
        else if (options.Warehouse.Engine == WarehouseOptions.DuckDbEngine
                 && string.Equals(Path.GetFullPath(publish.Path), Path.GetFullPath(options.Warehouse.DuckDb.Path), StringComparison.Ordinal))
        {
            fail("Publish:Path", "is the warehouse file itself; the published copy must be another file");
        }
    }

    private static bool IsCron(string? cron) => !string.IsNullOrWhiteSpace(cron) && CronExpression.TryParse(cron.Trim(), out _);

    private static void CheckDuration(string key, TimeSpan value, TimeSpan min, TimeSpan max, Action<string, string> fail)
    {
        if (value < min || value > max)
        {
            fail(key, string.Create(CultureInfo.InvariantCulture, $"{value} is outside {min}..{max}"));
        }
    }
}
