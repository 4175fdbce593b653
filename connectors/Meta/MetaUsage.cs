using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace Pipeline.Connectors.Meta;

/// <summary>
/// What Meta's usage headers say about one response: the highest utilisation in percent across
/// <c>x-business-use-case-usage</c>, <c>x-ad-account-usage</c>, <c>x-fb-ads-insights-throttle</c> and
/// <c>x-app-usage</c>, and how long until access is regained (business use case
/// <c>estimated_time_to_regain_access</c>, in minutes; the ad account's <c>reset_time_duration</c>, in seconds,
/// once it is at 100%).
/// </summary>
public sealed record MetaUsage(double MaxPercent, TimeSpan RegainAccess, string? Detail)
{
    public static MetaUsage None { get; } = new(0, TimeSpan.Zero, null);

    public static MetaUsage From(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        string? Header(string name) => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
        return Parse(Header("x-business-use-case-usage"), Header("x-ad-account-usage"), Header("x-fb-ads-insights-throttle"), Header("x-app-usage"));
    }

    /// <summary>Parses the header values; missing or malformed ones count as no usage.</summary>
    public static MetaUsage Parse(string? businessUseCase, string? adAccount, string? insightsThrottle, string? app)
    {
        double max = 0;
        var regain = TimeSpan.Zero;
        string? detail = null;

        void Take(double value, string what)
        {
            if (value > max)
            {
                max = value;
                detail = what;
            }
        }

        WithJson(businessUseCase, root =>
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                return;
            }

            foreach (var business in root.EnumerateObject())
            {
                if (business.Value.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                foreach (var entry in business.Value.EnumerateArray())
                {
                    var type = Text(entry, "type") ?? "?";
                    foreach (var metric in new[] { "call_count", "total_cputime", "total_time" })
                    {
                        Take(Number(entry, metric), $"business use case {type} {metric}");
                    }

                    var minutes = Number(entry, "estimated_time_to_regain_access");
                    if (minutes > 0 && TimeSpan.FromMinutes(minutes) > regain)
                    {
                        regain = TimeSpan.FromMinutes(minutes);
                    }
                }
            }
        });
        WithJson(adAccount, root =>
        {
            var pct = Number(root, "acc_id_util_pct");
            Take(pct, "ad account acc_id_util_pct");
            var reset = Number(root, "reset_time_duration");
            if (pct >= 100 && reset > 0 && TimeSpan.FromSeconds(reset) > regain)
            {
                regain = TimeSpan.FromSeconds(reset);
            }
        });
        WithJson(insightsThrottle, root =>
        {
            Take(Number(root, "app_id_util_pct"), "insights app_id_util_pct");
            Take(Number(root, "acc_id_util_pct"), "insights acc_id_util_pct");
        });
        WithJson(app, root =>
        {
            foreach (var metric in new[] { "call_count", "total_cputime", "total_time" })
            {
                Take(Number(root, metric), $"app {metric}");
            }
        });
        return max <= 0 && regain == TimeSpan.Zero ? None : new MetaUsage(max, regain, detail);
    }

    /// <summary>
    /// The pause after a response reporting this usage: none below the threshold, then growing linearly to
    /// <paramref name="maxPause"/> at 100%. A regain estimate on a successful response is honoured up to the same bound.
    /// </summary>
    public TimeSpan PauseFor(int thresholdPercent, TimeSpan maxPause)
    {
        if (maxPause <= TimeSpan.Zero || (MaxPercent < thresholdPercent && RegainAccess <= TimeSpan.Zero))
        {
            return TimeSpan.Zero;
        }

        var pause = TimeSpan.Zero;
        if (MaxPercent >= thresholdPercent)
        {
            var share = thresholdPercent >= 100 ? 1 : Math.Clamp((MaxPercent - thresholdPercent) / (100.0 - thresholdPercent), 0.05, 1);
            pause = maxPause * share;
        }

        if (RegainAccess > pause)
        {
            pause = RegainAccess < maxPause ? RegainAccess : maxPause;
        }

        return pause;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{MaxPercent:0}% ({Detail ?? "no usage headers"})");

    private static void WithJson(string? text, Action<JsonElement> read)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        try
        {
            using var doc = JsonDocument.Parse(text);
            read(doc.RootElement);
        }
        catch (JsonException)
        {
            // A malformed usage header is no reason to fail a page that arrived fine.
        }
    }

    private static double Number(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
        {
            return 0;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDouble(out var d) => d,
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => 0,
        };
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>The usage Meta reported on the latest response of one ad account's HTTP client (successes included).</summary>
public sealed class MetaUsageTracker
{
    private MetaUsage last = MetaUsage.None;

    public MetaUsage Last => Volatile.Read(ref last);

    public void Record(MetaUsage usage) => Volatile.Write(ref last, usage ?? MetaUsage.None);
}

/// <summary>One <see cref="MetaUsageTracker"/> per HTTP client name.</summary>
public sealed class MetaUsageTrackers
{
    private readonly ConcurrentDictionary<string, MetaUsageTracker> trackers = new(StringComparer.Ordinal);

    public MetaUsageTracker For(string clientName) => trackers.GetOrAdd(clientName, static _ => new MetaUsageTracker());
}
