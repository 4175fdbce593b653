using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Reliability.Tests.Infrastructure;

/// <summary>Sandbox worlds small enough for `make test` on two cores, and the sandbox settings every case shares.</summary>
internal static class Worlds
{
    /// <summary>
    /// Two weeks of a small business: every connector still crosses windows and pages (the configs below use small
    /// chunks and pages), yet one full sync of all five sources takes seconds.
    /// </summary>
    public static WorldOptions Small(DateOnly lastDay, int days = 14) => WorldOptions.Demo with
    {
        StartDate = lastDay.AddDays(-(days - 1)),
        Days = days,
        MetaCampaignsPerAccount = 2,
        Ga4SegmentsPerDay = 12,
        MailchimpMembersPerList = 120,
        MailchimpCampaigns = 6,
        Contacts = 200,
        Companies = 40,
        Deals = 80,
    };

    /// <summary>A larger world for the heavy variants.</summary>
    public static WorldOptions Medium(DateOnly lastDay) => Small(lastDay, 45) with
    {
        MetaCampaignsPerAccount = 4,
        Ga4SegmentsPerDay = 30,
        MailchimpMembersPerList = 400,
        MailchimpCampaigns = 12,
        Contacts = 600,
        Companies = 100,
        Deals = 250,
    };

    /// <summary>
    /// Sandbox options for repeated syncs: throttles announce no long regain time and the GA4 daily token quota
    /// cannot run out across many runs against one server (the quota is not what these cases test).
    /// </summary>
    public static SandboxOptions Sandbox(WorldOptions world) => new()
    {
        World = world,
        MetaThrottleRegainMinutes = 0,
        Ga4TokensPerDay = 1_000_000_000,
    };

    /// <summary>Today in UTC: the CLI's clock (worlds a CLI process syncs end today, as in production).</summary>
    public static DateOnly TodayUtc => DateOnly.FromDateTime(DateTime.UtcNow);

    /// <summary>
    /// The zones whose days these cases depend on: UTC (cursors, the worlds' last day), Europe/Berlin (GA4, the CRM,
    /// Mailchimp and the first Meta ad account: reporting days, provisional days) and America/New_York (the second
    /// Meta ad account, a US subsidiary: its windows end on its own today).
    /// </summary>
    internal static readonly TimeZoneInfo[] DayZones =
        [TimeZoneInfo.Utc, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"), TimeZoneInfo.FindSystemTimeZoneById("America/New_York")];

    /// <summary>
    /// Whether the days these cases depend on are still the days of <paramref name="sinceUtc"/> in every zone of
    /// <see cref="DayZones"/>. A warehouse compared with a reference synced before midnight in any of them shows another
    /// day's cursors and coverage (midnight in New York is 05:00 or 04:00 UTC).
    /// </summary>
    public static bool SameDaySince(DateTime sinceUtc) => SameDay(sinceUtc, DateTime.UtcNow);

    internal static bool SameDay(DateTime aUtc, DateTime bUtc) =>
        DayZones.All(zone => TimeZoneInfo.ConvertTimeFromUtc(aUtc, zone).Date == TimeZoneInfo.ConvertTimeFromUtc(bUtc, zone).Date);

    /// <summary>Ends a comparison with a reference from before midnight (in any of <see cref="DayZones"/>) as inconclusive, saying why.</summary>
    public static void AssumeSameDaySince(DateTime sinceUtc)
    {
        if (!SameDaySince(sinceUtc))
        {
            Assert.Inconclusive(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"midnight passed (UTC, Europe/Berlin or America/New_York) since the reference was synced at {sinceUtc:yyyy-MM-dd HH:mm:ss}Z: it holds another day's cursors and coverage; run the case again"));
        }
    }
}
