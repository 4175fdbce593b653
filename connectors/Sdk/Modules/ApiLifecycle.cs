using System.Globalization;

namespace Pipeline.Connectors.Modules;

/// <summary>One platform API a connector calls, at the version it calls (e.g. Meta Marketing API v23.0).</summary>
public sealed record ApiVersionInUse(string Api, string Version);

/// <summary>An API version in use, checked against <see cref="ApiLifecycle"/> on a given day.</summary>
public sealed record ApiVersionCheck(string Source, string Api, string Version, string End, int? DaysLeft)
{
    /// <summary>Within <see cref="ApiLifecycle.WarnDays"/> of its published end, or past it.</summary>
    public bool Warn => DaysLeft is { } days && days <= ApiLifecycle.WarnDays;

    /// <summary>One human phrase: "ends 2027-01-21 (48 days)" or "ended 2026-05-21".</summary>
    public string Describe() => DaysLeft switch
    {
        null => $"{Source} {Api} {Version}: {End}",
        < 0 => $"{Source} {Api} {Version} ended {End}",
        var days => string.Create(CultureInfo.InvariantCulture, $"{Source} {Api} {Version} ends {End} ({days} days)"),
    };
}

/// <summary>
/// The platforms' published end-of-life dates of the API versions the connectors call, as read on
/// <see cref="AsOf"/>. One dated table on purpose: dates change only when a platform announces them, so updating
/// it is one reviewed edit (and <c>pipeline status</c> shows the date it was last checked).
/// </summary>
public static class ApiLifecycle
{
    /// <summary>The day the table below was checked against the platforms' pages.</summary>
    public static readonly DateOnly AsOf = new(2026, 12, 4);

    /// <summary>Status warns this many days before a version's end.</summary>
    public const int WarnDays = 90;

    public const string NoAnnouncedEnd = "no announced end";

    public const string Unknown = "unknown";

    private sealed record Entry(DateOnly? End, string? Label = null);

    private static readonly Entry None = new(null, NoAnnouncedEnd);

    // Meta: the Marketing API's own expiration dates (developers.facebook.com .../marketing-api-changelog/versions);
    // ads insights follow them, not the longer Graph API schedule. Google and Mailchimp announced no end for these
    // versions. HubSpot: v1–v3 paths become unsupported in September 2027 (changelog "Legacy APIs and Apps: What's
    // Going Unsupported and When"); the day is not published, so the month's first day is used to warn early.
    private static readonly Dictionary<(string Api, string Version), Entry> Table = new()
    {
        [("Meta Marketing API", "v17.0")] = new(new(2024, 5, 14)),
        [("Meta Marketing API", "v18.0")] = new(new(2024, 8, 13)),
        [("Meta Marketing API", "v19.0")] = new(new(2025, 2, 4)),
        [("Meta Marketing API", "v20.0")] = new(new(2025, 5, 6)),
        [("Meta Marketing API", "v21.0")] = new(new(2025, 9, 9)),
        [("Meta Marketing API", "v22.0")] = new(new(2026, 2, 19)),
        [("Meta Marketing API", "v23.0")] = new(new(2026, 6, 9)),
        [("Meta Marketing API", "v24.0")] = new(new(2026, 11, 10)),
        [("Meta Marketing API", "v25.0")] = new(new(2027, 2, 23)),
        [("Meta Marketing API", "v26.0")] = None,
        [("Meta Marketing API", "v27.0")] = None,
        [("GA4 Data API", "v1beta")] = None,
        [("GA4 Admin API", "v1beta")] = None,
        [("Mailchimp Marketing API", "3.0")] = None,
        [("HubSpot CRM API", "v3")] = new(new(2027, 9, 1), "2027-09 (unsupported from; day not announced)"),
        [("HubSpot account-info API", "v3")] = new(new(2027, 9, 1), "2027-09 (unsupported from; day not announced)"),
    };

    /// <summary>A version's end as of <paramref name="today"/>; a version missing from the table is "unknown".</summary>
    public static ApiVersionCheck Check(string source, ApiVersionInUse use, DateOnly today)
    {
        if (!Table.TryGetValue((use.Api, use.Version), out var entry))
        {
            return new(source, use.Api, use.Version, Unknown, null);
        }

        var label = entry.Label ?? entry.End?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? NoAnnouncedEnd;
        return new(source, use.Api, use.Version, label, entry.End is { } end ? end.DayNumber - today.DayNumber : null);
    }
}
