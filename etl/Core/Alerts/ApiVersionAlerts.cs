using Microsoft.Extensions.Logging;
using Pipeline.Connectors.Modules;
using Pipeline.Etl.Configuration;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Alerts;

/// <summary>
/// Alerts once when an API version a configured source calls comes within <see cref="ApiLifecycle.WarnDays"/> of its
/// published end, and once more when the end has passed; the alert state keeps the scheduler from repeating it.
/// </summary>
public sealed class ApiVersionAlerts(IAlertSink alerts)
{
    /// <summary>Every API version the configured sources call, checked on <paramref name="today"/>.</summary>
    public static IReadOnlyList<ApiVersionCheck> Evaluate(SourcesOptions sources, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(sources);
        return sources.Configured
            .SelectMany(c => c.Module.ApiVersions(c.Options).Select(use => ApiLifecycle.Check(c.Module.Name, use, today)))
            .ToList();
    }

    /// <returns>How many alerts were sent.</returns>
    public async Task<int> RunAsync(IReadOnlyList<ApiVersionCheck> checks, IAlertState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checks);
        ArgumentNullException.ThrowIfNull(state);
        var sent = 0;
        foreach (var c in checks.Where(c => c.Warn))
        {
            var key = $"api-version:{c.Source}:{c.Api}:{c.Version}";
            var phase = c.DaysLeft < 0 ? "ended" : "near";
            if (await state.GetAsync(key, cancellationToken) == phase)
            {
                continue;
            }

            var title = $"{c.Describe()}: move to a newer version";
            await alerts.SendAsync(new Alert(AlertKind.ApiVersion, LogLevel.Warning, c.Source, title, [$"end-of-life table as of {ApiLifecycle.AsOf:yyyy-MM-dd}"]), cancellationToken);
            await state.SetAsync(key, phase, cancellationToken);
            sent++;
        }

        return sent;
    }
}
