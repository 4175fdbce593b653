namespace Pipeline.Sandbox.World;

/// <summary>Shape and size of the synthetic business. The same options and seed always yield the same world.</summary>
public sealed record WorldOptions
{
    public int Seed { get; init; } = 42;

    /// <summary>First day with marketing activity.</summary>
    public DateOnly StartDate { get; init; } = new(2026, 1, 1);

    /// <summary>Number of days; the last day is the world's "today" (restatement windows are relative to it).</summary>
    public int Days { get; init; } = 90;

    public int MetaAdAccounts { get; init; } = 2;
    public int MetaCampaignsPerAccount { get; init; } = 4;
    public int MetaAdSetsPerCampaign { get; init; } = 2;
    public int MetaAdsPerAdSet { get; init; } = 2;

    /// <summary>
    /// Days the second Meta ad account is paused after the middle of the world (from day <c>Days / 2 + 5</c>): it delivers
    /// nothing, so its insights for those days are empty ({"data":[]}) and every truth accessor returns 0. 0 for none.
    /// </summary>
    public int MetaPausedDays { get; init; } = 3;

    /// <summary>
    /// A Meta action type (e.g. <c>landing_page_view</c>) that insights stop returning in <c>actions</c> and
    /// <c>action_values</c> from <see cref="MetaDroppedActionFromDay"/> on, while rows keep arriving: an API change that
    /// empties one column silently. Null for none.
    /// </summary>
    public string? MetaDroppedActionType { get; init; }

    /// <summary>Day (counted from <see cref="StartDate"/>, 0-based) from which <see cref="MetaDroppedActionType"/> is missing.</summary>
    public int MetaDroppedActionFromDay { get; init; }

    /// <summary>The first day without <see cref="MetaDroppedActionType"/>, when one is dropped.</summary>
    public DateOnly? MetaActionDroppedFrom => MetaDroppedActionType is null ? null : StartDate.AddDays(MetaDroppedActionFromDay);

    /// <summary>Random non-campaign traffic segments per day (organic, direct, referral, paid search).</summary>
    public int Ga4SegmentsPerDay { get; init; } = 40;

    /// <summary>Distinct rows per day a GA4 report may hold before the rest is folded into "(other)".</summary>
    public int Ga4OtherRowThreshold { get; init; } = 50_000;

    /// <summary>
    /// Gives every random traffic segment a landing page with its own query string (as cpc click ids do), so a
    /// report by landing page has one row per segment: the benchmarks size GA4 reports with it.
    /// </summary>
    public bool Ga4UniqueLandingPages { get; init; }

    /// <summary>
    /// Whether a Google Ads account is linked to the GA4 property: with it GA4 serves advertiserAdCost, -Clicks and
    /// -Impressions by the sessionGoogleAds* dimensions; without it those names are not in the property's metadata.
    /// </summary>
    public bool Ga4GoogleAdsLinked { get; init; } = true;

    /// <summary>
    /// Day (counted from <see cref="StartDate"/>, 0-based) on which the GA4 tag was broken: GA4 has no rows at all for
    /// it, so empty reports happen naturally. Null for none; a day outside the world has no effect.
    /// </summary>
    public int? Ga4TrackingOutageDay { get; init; } = 20;

    /// <summary>
    /// The world ends yesterday by the wall clock (the CLI demo): GA4's relative dates (today, yesterday, NdaysAgo)
    /// then use today's date in the property's time zone. Otherwise the world is pinned and its "today" is
    /// <see cref="EndDate"/>.
    /// </summary>
    public bool FollowsWallClock { get; init; }

    public int MailchimpLists { get; init; } = 2;
    public int MailchimpMembersPerList { get; init; } = 500;
    public int MailchimpCampaigns { get; init; } = 12;

    // About 200 new contacts and 85 deals a month over the CRM's history (from 120 days before StartDate).
    public int Contacts { get; init; } = 1_600;
    public int Companies { get; init; } = 600;
    public int Deals { get; init; } = 700;

    /// <summary>Share of deals that are archived (deleted) and only visible with archived=true.</summary>
    public double ArchivedDealShare { get; init; } = 0.05;

    /// <summary>
    /// Known anomalies the generators apply (<see cref="InjectedAnomaly"/>: series, day, factor), to measure the anomaly
    /// view's recall and false flags against. Empty by default, so the demo and other tests see the plain world.
    /// </summary>
    public IReadOnlyList<InjectedAnomaly> InjectedAnomalies { get; init; } = [];

    /// <summary>Small world for demos and most tests.</summary>
    public static WorldOptions Demo { get; } = new();

    /// <summary>
    /// A world for benchmarks; scale 1 is about a million GA4 segment rows over a year, millions of Meta
    /// breakdown rows, a million contacts. Everything stays lazy, so memory does not grow with scale.
    /// </summary>
    public static WorldOptions Benchmark(double scale = 1.0, int seed = 42) => new()
    {
        Seed = seed,
        StartDate = new DateOnly(2025, 1, 1),
        Days = 365,
        MetaAdAccounts = 2,
        MetaCampaignsPerAccount = Math.Max(4, (int)(40 * scale)),
        MetaAdSetsPerCampaign = 4,
        MetaAdsPerAdSet = 5,
        Ga4SegmentsPerDay = Math.Max(40, (int)(2_700 * scale)),
        MailchimpLists = 2,
        MailchimpMembersPerList = Math.Max(500, (int)(500_000 * scale)),
        MailchimpCampaigns = 100,
        Contacts = Math.Max(800, (int)(1_000_000 * scale)),
        Companies = Math.Max(120, (int)(50_000 * scale)),
        Deals = Math.Max(300, (int)(200_000 * scale)),
    };

    public DateOnly EndDate => StartDate.AddDays(Days - 1);

    /// <summary>The GA4 tracking outage day, when it lies inside the world.</summary>
    public DateOnly? Ga4OutageDate => Ga4TrackingOutageDay is { } d && d >= 0 && d < Days ? StartDate.AddDays(d) : null;

    internal void Validate()
    {
        if (Days < 1 || MetaAdAccounts is < 1 or > 2 || MetaCampaignsPerAccount < 1 || MetaAdSetsPerCampaign < 1
            || MetaAdsPerAdSet < 1 || MailchimpLists is < 1 or > 2 || MailchimpCampaigns < 1 || MailchimpMembersPerList < 10
            || Contacts < 1 || Companies < 1 || Deals < 1 || Ga4SegmentsPerDay < 0 || Ga4OtherRowThreshold < 2)
        {
            throw new ArgumentException("World options out of range (1-2 ad accounts, 1-2 lists, positive counts).");
        }
    }
}
