using System.Globalization;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Sync;

/// <summary>One report stream of one account in a backfill: its windows, and how far an earlier run of the same backfill got.</summary>
public sealed record BackfillStream(string Source, string AccountId, string Stream, IReadOnlyList<IncrementalWindow> Windows, DateOnly? DoneThrough)
{
    /// <summary>The windows still to run: those after the last one an earlier run of this backfill committed.</summary>
    public IReadOnlyList<IncrementalWindow> Remaining => DoneThrough is { } done ? [.. Windows.Where(w => w.To > done)] : Windows;
}

/// <summary>
/// Expected API calls and quota cost of a backfill on one platform. These are estimates from how each connector
/// reads a window (one request per page, Meta's async jobs), not measurements; a measured median of api calls per
/// window from <c>etl.sync_runs</c> replaces the call estimate when the stream has one.
/// </summary>
public static class BackfillCost
{
    /// <summary>At least this many calls per window, and what they are.</summary>
    public static (int PerWindow, string What) CallsPerWindow(string source) => source switch
    {
        "ga4" => (1, "1 runReport per window per page"),
        "meta" => (3, "async job per window: create + polls + pages (3 at least)"),
        "mailchimp" => (1, "1 activity request per list per window"),
        _ => (1, "about 1 request per window per page"),
    };

    /// <summary>The platform's quota in the units it counts, for <paramref name="calls"/> calls.</summary>
    public static string Quota(string source, long calls) => source switch
    {
        // GA4 charges tokens by request complexity; ~10 per small daily report is the usual order of magnitude.
        "ga4" => Invariant($"~{calls * 10:N0} tokens (est. ~10/request; limits 200k/day, 40k/hour per property)"),
        "meta" => Invariant($"~{calls:N0} business-use-case calls (est.; the connector slows down above ~75 % usage)"),
        "mailchimp" => "no call quota (10 simultaneous connections)",
        "hubspot" => Invariant($"~{calls:N0} requests at 100 per 10 s (est.)"),
        _ => "no quota estimate for this source",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Medians of past windows per stream from the run log: seconds and api calls per committed report window. Past
/// windows differ from the backfill's in size and load, so an ETA from them is an estimate.
/// </summary>
public sealed class BackfillRates
{
    private readonly Dictionary<(string Source, string Stream), (double Seconds, long Calls)> medians;

    public BackfillRates(IEnumerable<SyncRunRecord> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        medians = runs
            .Where(r => r is { Status: SyncRunStatus.Succeeded, WindowFrom: not null, FinishedAt: not null })
            .GroupBy(r => (r.Source, r.Stream))
            .ToDictionary(
                g => g.Key,
                g => (Median([.. g.Select(r => (r.FinishedAt!.Value - r.StartedAt).TotalSeconds)]), (long)Math.Round(Median([.. g.Select(r => (double)r.ApiCalls)]))));
    }

    /// <summary>Median seconds per window of the stream, or null before its first committed window.</summary>
    public double? SecondsPerWindow(string source, string stream) => medians.TryGetValue((source, stream), out var m) ? m.Seconds : null;

    /// <summary>Median api calls per window of the stream, or null before its first committed window.</summary>
    public long? CallsPerWindow(string source, string stream) => medians.TryGetValue((source, stream), out var m) ? m.Calls : null;

    private static double Median(List<double> values)
    {
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}
