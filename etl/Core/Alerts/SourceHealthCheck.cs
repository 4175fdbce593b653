using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Alerts;

/// <summary>
/// After each run: <see cref="SourceHealthAssessment"/> over <c>mart.source_health</c>, and one alert per source
/// naming the stream columns (or volumes) whose episode is new. An episode is known by its first day, kept per stream
/// in the alert state (<c>health:{source}.{stream}</c>), so later runs during the same episode stay quiet and a new
/// alert needs a recovery first; a recovery is reported once.
/// </summary>
public sealed class SourceHealthCheck(IAlertSink alerts, HealthAlertOptions options, TimeProvider clock, ILogger<SourceHealthCheck> logger)
{
    public static string KeyFor(string source, string stream) => $"health:{source}.{stream}";

    /// <summary>What is unhealthy now, without alerting (<c>pipeline status</c>).</summary>
    public async Task<IReadOnlyList<HealthFinding>> AssessAsync(ISourceHealthFeed feed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feed);
        var rows = await feed.ReadLatestAsync(SourceHealthAssessment.DaysToRead(options), cancellationToken);
        return SourceHealthAssessment.Assess(rows, options, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
    }

    /// <returns>How many alerts were sent.</returns>
    public async Task<int> RunAsync(ISourceHealthFeed feed, IAlertState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(state);
        var rows = await feed.ReadLatestAsync(SourceHealthAssessment.DaysToRead(options), cancellationToken);
        var findings = SourceHealthAssessment.Assess(rows, options, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime));
        var fresh = new List<HealthFinding>();
        var recovered = new List<(string Source, string Stream, string Subject)>();
        foreach (var (source, stream) in rows.Select(r => (r.Source, r.Stream)).Distinct().Order())
        {
            var key = KeyFor(source, stream);
            var open = Parse(await state.GetAsync(key, cancellationToken));
            var now = findings.Where(f => f.Source == source && f.Stream == stream).ToList();
            fresh.AddRange(now.Where(f => !open.TryGetValue(f.Subject, out var since) || since != f.Since));
            recovered.AddRange(open.Keys.Where(subject => now.All(f => f.Subject != subject)).Select(subject => (source, stream, subject)));
            var episodes = string.Join(';', now.OrderBy(f => f.Subject, StringComparer.Ordinal).Select(f => f.Subject + "=" + f.Since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
            if (episodes != Format(open))
            {
                await state.SetAsync(key, episodes.Length == 0 ? null : episodes, cancellationToken);
            }
        }

        var sent = 0;
        foreach (var bySource in fresh.GroupBy(f => f.Source).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var list = bySource.ToList();
            var columns = list.Count(f => f.Column is not null);
            var volumes = list.Count - columns;
            var what = string.Join(" and ", new[]
            {
                columns == 0 ? null : $"{columns} column{(columns == 1 ? "" : "s")} stopped filling",
                volumes == 0 ? null : $"{volumes} stream volume{(volumes == 1 ? "" : "s")} left {(volumes == 1 ? "its" : "their")} usual band",
            }.Where(s => s is not null));
            var names = string.Join(", ", list.Select(f => f.Stream + "." + f.Subject).Distinct().Take(5)) + (list.Count > 5 ? ", …" : "");
            await alerts.SendAsync(new Alert(AlertKind.SourceHealth, LogLevel.Warning, bySource.Key,
                $"{bySource.Key}: {what} ({names})", list.Select(f => f.Detail).ToList()), cancellationToken);
            sent++;
        }

        foreach (var bySource in recovered.GroupBy(r => r.Source).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var names = string.Join(", ", bySource.Select(r => r.Stream + "." + r.Subject));
            await alerts.SendAsync(new Alert(AlertKind.Recovered, LogLevel.Information, bySource.Key, $"{bySource.Key}: healthy again ({names})", []), cancellationToken);
            sent++;
        }

        logger.LogDebug("Source health: {Findings} unhealthy, {Fresh} new, {Recovered} recovered", findings.Count, fresh.Count, recovered.Count);
        return sent;
    }

    private static Dictionary<string, DateOnly> Parse(string? stored)
    {
        var open = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        foreach (var entry in (stored ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var at = entry.LastIndexOf('=');
            if (at > 0 && DateOnly.TryParseExact(entry[(at + 1)..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var since))
            {
                open[entry[..at]] = since;
            }
        }

        return open;
    }

    private static string Format(Dictionary<string, DateOnly> open) =>
        string.Join(';', open.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
}
