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
}
