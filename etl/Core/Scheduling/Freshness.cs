using Pipeline.Etl.Alerts;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Scheduling;

/// <summary>
/// How fresh one configured source is: its stalest stream decides. <see cref="HoursSince"/> is null when some
/// stream never synced successfully (or nothing ran at all), which counts as stale. The run figures cover the
/// last 24 hours of <c>etl.sync_runs</c>.
/// </summary>
public sealed record SourceFreshness(
    string Source, int Streams, DateTime? OldestSuccessAt, double? HoursSince, double SlaHours, bool Stale,
    long RowsWritten24h, long ApiCalls24h, int FailedWindows24h, string? LastError)
{
    public string State => !Stale ? "fresh" : HoursSince is not null ? "STALE" : LastError is null ? "NEVER SYNCED" : "FAILING";
}

/// <summary>Evaluates freshness against the SLA: the same numbers drive <c>pipeline status</c> and stale alerts.</summary>
public static class Freshness
{
    /// <param name="configured">Each configured source with the streams it has now (removed streams do not count).</param>
    public static IReadOnlyList<SourceFreshness> Evaluate(
        WarehouseStatus status, IReadOnlyDictionary<string, IReadOnlySet<string>> configured, AlertOptions alerts, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(status);
        ArgumentNullException.ThrowIfNull(configured);
        var since = nowUtc.AddHours(-24);
        var result = new List<SourceFreshness>();
        foreach (var (source, streams) in configured.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var states = status.States.Where(s => s.Source == source && streams.Contains(s.Stream)).ToList();
            var recent = status.RecentRuns.Where(r => r.Source == source && r.StartedAt >= since).ToList();
            DateTime? oldest = states.Count == 0 || states.Any(s => s.LastSuccessAt is null) ? null : states.Min(s => s.LastSuccessAt);
            double? hours = oldest is { } at ? Math.Max(0, (nowUtc - at).TotalHours) : null;
            var sla = ScheduleDefaults.SlaHoursFor(source, alerts);
            var lastError = recent.Where(r => r.Status == SyncRunStatus.Failed).OrderByDescending(r => r.StartedAt).FirstOrDefault()?.Error;
            result.Add(new SourceFreshness(
                source, states.Count, oldest, hours, sla, hours is null || hours > sla,
                recent.Sum(r => r.RowsWritten), recent.Sum(r => r.ApiCalls), recent.Count(r => r.Status == SyncRunStatus.Failed), lastError));
        }

        return result;
    }
}
