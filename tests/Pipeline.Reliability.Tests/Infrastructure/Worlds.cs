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
    /// Whether the days these cases depend on are still the days of <paramref name="sinceUtc"/>: UTC (cursors, the
    /// worlds' last day) and Europe/Berlin (the sandbox accounts' zone: reporting days, provisional days). A warehouse
    /// compared with a reference synced before midnight in either shows another day's cursors and coverage.
    /// </summary>
    public static bool SameDaySince(DateTime sinceUtc)
    {
        var now = DateTime.UtcNow;
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        return sinceUtc.Date == now.Date && TimeZoneInfo.ConvertTimeFromUtc(sinceUtc, berlin).Date == TimeZoneInfo.ConvertTimeFromUtc(now, berlin).Date;
    }

    /// <summary>Ends a comparison with a reference from before midnight (UTC or Europe/Berlin) as inconclusive, saying why.</summary>
    public static void AssumeSameDaySince(DateTime sinceUtc)
    {
        if (!SameDaySince(sinceUtc))
        {
            Assert.Inconclusive(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"midnight passed (UTC or Europe/Berlin) since the reference was synced at {sinceUtc:yyyy-MM-dd HH:mm:ss}Z: it holds another day's cursors and coverage; run the case again"));
        }
    }
}
