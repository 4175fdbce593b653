using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Alerts;

/// <summary>
/// After each run: KPI anomalies dated after the last one alerted become one alert, and the watermark moves on.
/// The first check ever reports only the newest day, so an existing history does not flood the channel.
/// </summary>
public sealed class AnomalyCheck(IAlertSink alerts, AlertOptions options, ILogger<AnomalyCheck> logger)
{
    public const string WatermarkKey = "kpi_anomalies.last_date";

    /// <returns>How many anomalies were alerted.</returns>
    public async Task<int> RunAsync(IAnomalyFeed feed, IAlertState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(state);
        var stored = await state.GetAsync(WatermarkKey, cancellationToken);
        DateOnly after;
        if (stored is not null && DateOnly.TryParseExact(stored, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var watermark))
        {
            after = watermark;
        }
        else if (await feed.LatestDateAsync(cancellationToken) is { } latest)
        {
            after = latest.AddDays(-1);
        }
        else
        {
            return 0;
        }

        var fresh = await feed.ReadAfterAsync(after, cancellationToken);
        if (fresh.Count == 0)
        {
            logger.LogDebug("No KPI anomalies after {After:yyyy-MM-dd}", after);
            return 0;
        }

        var first = fresh.Min(a => a.Date);
        var last = fresh.Max(a => a.Date);
        var listed = fresh.OrderByDescending(a => Math.Abs(a.RobustZ)).Take(Math.Max(1, options.MaxAnomaliesListed)).ToList();
        var lines = listed.Select(Describe).ToList();
        if (fresh.Count > listed.Count)
        {
            lines.Add($"… and {fresh.Count - listed.Count} more in mart.kpi_anomalies");
        }

        var days = first == last ? $"{first:yyyy-MM-dd}" : $"{first:yyyy-MM-dd}..{last:yyyy-MM-dd}";
        var title = string.Create(CultureInfo.InvariantCulture, $"{fresh.Count} new KPI anomal{(fresh.Count == 1 ? "y" : "ies")} on {days}");
        await alerts.SendAsync(new Alert(AlertKind.Anomaly, LogLevel.Warning, "kpi", title, lines), cancellationToken);
        await state.SetAsync(WatermarkKey, last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), cancellationToken);
        return fresh.Count;
    }

    private static string Describe(KpiAnomaly a)
    {
        var segment = a.SegmentType == "all" ? "" : $" ({a.Segment})";
        return string.Create(CultureInfo.InvariantCulture,
            $"{a.Date:yyyy-MM-dd} {a.KpiName} [{a.KpiId}]{segment}: {N(a.Value)}, usual {N(a.LowerBound)}–{N(a.UpperBound)} (median {N(a.BaselineMedian)}), {a.Direction}, {a.Assessment}, z {a.RobustZ:0.0}");
    }

    private static string N(double value) => Math.Abs(value) >= 100
        ? value.ToString("#,##0", CultureInfo.InvariantCulture)
        : value.ToString("0.###", CultureInfo.InvariantCulture);
}
