using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Etl.Scheduling;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Alerts;

/// <summary>
/// Alerts once per stale episode of a source (keyed by the last success it is stale since), and once more when it
/// is fresh again. Restarting the scheduler does not repeat an alert: the episode is kept in the alert state.
/// </summary>
public sealed class FreshnessAlerts(IAlertSink alerts)
{
    public static string KeyFor(string source) => "stale:" + source;

    /// <returns>How many alerts were sent.</returns>
    public async Task<int> RunAsync(IReadOnlyList<SourceFreshness> sources, IAlertState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(state);
        var sent = 0;
        foreach (var s in sources)
        {
            var key = KeyFor(s.Source);
            var open = await state.GetAsync(key, cancellationToken);
            if (s.Stale)
            {
                var episode = s.OldestSuccessAt?.ToString("O", CultureInfo.InvariantCulture) ?? "never";
                if (open == episode)
                {
                    continue;
                }

                var title = s.HoursSince is { } h
                    ? string.Create(CultureInfo.InvariantCulture, $"{s.Source} is stale: last complete sync {h:0.0} h ago (SLA {s.SlaHours:0.#} h)")
                    : string.Create(CultureInfo.InvariantCulture, $"{s.Source} is stale: some of its streams never synced successfully (SLA {s.SlaHours:0.#} h)");
                var lines = new List<string>();
                if (s.OldestSuccessAt is { } at)
                {
                    lines.Add(string.Create(CultureInfo.InvariantCulture, $"oldest stream success: {at:yyyy-MM-dd HH:mm} UTC"));
                }

                lines.Add(string.Create(CultureInfo.InvariantCulture, $"last 24 h: {s.FailedWindows24h} failed window(s), {s.RowsWritten24h:N0} rows written, {s.ApiCalls24h:N0} API calls"));
                if (s.LastError is { } error)
                {
                    lines.Add("last error: " + error);
                }

                await alerts.SendAsync(new Alert(AlertKind.Stale, LogLevel.Warning, s.Source, title, lines), cancellationToken);
                await state.SetAsync(key, episode, cancellationToken);
                sent++;
            }
            else if (open is not null)
            {
                var title = string.Create(CultureInfo.InvariantCulture, $"{s.Source} is fresh again: last complete sync {s.HoursSince:0.0} h ago (SLA {s.SlaHours:0.#} h)");
                await alerts.SendAsync(new Alert(AlertKind.Recovered, LogLevel.Information, s.Source, title, []), cancellationToken);
                await state.SetAsync(key, null, cancellationToken);
                sent++;
            }
        }

        return sent;
    }
}
