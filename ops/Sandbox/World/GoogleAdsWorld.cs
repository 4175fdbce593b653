namespace Pipeline.Sandbox.World;

/// <summary>A Google Ads campaign as GA4's linked data names it (sessionGoogleAdsCampaignId / -Name).</summary>
/// <param name="Ga4CampaignName">
/// The session campaign its clicks carry in GA4 (google / cpc sessions), or null for a campaign without sessions.
/// Auto-tagging makes it the Google Ads campaign name itself, which is what joins cost to sessions and CRM leads.
/// </param>
public sealed record GoogleAdsCampaign(string Id, string Name, string? Ga4CampaignName);

/// <summary>One campaign's delivery on one day as GA4 reports it (cost in cents of the property currency).</summary>
public sealed record GoogleAdsCampaignDay(DateOnly Date, string AccountName, GoogleAdsCampaign Campaign, long CostCents, long Clicks, long Impressions);

/// <summary>
/// The Google Ads account linked to the GA4 property. Search campaigns are derived from the world's google / cpc
/// sessions (clicks a little above sessions, as some clicks never start a session), so cost lines up with Paid Search
/// traffic and is restated with it; the Shopping campaign has no GA4 sessions of its own. Deterministic from the seed.
/// </summary>
public sealed class GoogleAdsWorld
{
    private const long SaltCampaign = 25, SaltDay = 26;
    private readonly WorldOptions options;
    private readonly Ga4World ga4;

    internal GoogleAdsWorld(WorldOptions options, Ga4World ga4)
    {
        this.options = options;
        this.ga4 = ga4;
        Linked = options.Ga4GoogleAdsLinked;
        CustomerId = Det.Digits(10, options.Seed, SaltCampaign, 0);
        Campaigns =
        [
            new(Det.Digits(11, options.Seed, SaltCampaign, 1), "Search_Brand_DE", "Search_Brand_DE"),
            new(Det.Digits(11, options.Seed, SaltCampaign, 2), "Search_Generic_DE", "Search_Generic_DE"),
            new(Det.Digits(11, options.Seed, SaltCampaign, 3), "Shopping_DE", null),
        ];
    }

    /// <summary>False when the property has no Google Ads link (no cost data, no sessionGoogleAds* names).</summary>
    public bool Linked { get; }

    public string CustomerId { get; }

    public string AccountName => "Nordlicht Leuchten";

    public IReadOnlyList<GoogleAdsCampaign> Campaigns { get; }

    /// <summary>The campaign a GA4 session belongs to (google / cpc with a campaign's utm name), or null.</summary>
    public GoogleAdsCampaign? CampaignOf(Ga4Segment segment) =>
        Linked && segment.Source == "google" && segment.Medium == "cpc" ? Campaigns.FirstOrDefault(c => c.Ga4CampaignName == segment.Campaign) : null;

    /// <summary>Every campaign's delivery on a day (days with GA4 data only; none when unlinked).</summary>
    public IReadOnlyList<GoogleAdsCampaignDay> Days(DateOnly day, int generation)
    {
        if (!Linked || day < options.StartDate || day > options.EndDate || day == options.Ga4OutageDate)
        {
            return [];
        }

        var sessions = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in ga4.Segments(day, generation))
        {
            if (CampaignOf(s) is { } c)
            {
                sessions[c.Id] = sessions.GetValueOrDefault(c.Id) + s.Sessions;
            }
        }

        var result = new List<GoogleAdsCampaignDay>(Campaigns.Count);
        for (var i = 0; i < Campaigns.Count; i++)
        {
            var campaign = Campaigns[i];
            double R(double min, double max, int what) => Det.Between(min, max, options.Seed, SaltDay, day.DayNumber, i, what);
            var clicks = campaign.Ga4CampaignName is null
                ? Det.Round(R(5, 20, 1)) + Restated(day, generation)
                : Det.Round(sessions.GetValueOrDefault(campaign.Id) * R(1.05, 1.3, 1));
            // Brand search is cheap and clicked often; generic terms cost more; shopping sits in between.
            var (cpcMin, cpcMax, ctrMin, ctrMax) = i switch
            {
                0 => (0.4, 0.9, 0.12, 0.25),
                1 => (0.9, 1.9, 0.03, 0.07),
                _ => (0.5, 1.1, 0.008, 0.02),
            };
            var costCents = Det.Round(clicks * R(cpcMin, cpcMax, 2) * 100);
            var impressions = clicks == 0 ? Det.Round(R(0, 40, 3)) : Det.Round(clicks / ((ctrMin + ctrMax) / 2 * R(0.85, 1.15, 3)));
            result.Add(new GoogleAdsCampaignDay(day, AccountName, campaign, costCents, clicks, impressions));
        }

        return result;
    }

    /// <summary>Late clicks GA4 imports for its freshest days (search campaigns grow with their sessions instead).</summary>
    private long Restated(DateOnly day, int generation) =>
        options.EndDate.DayNumber - day.DayNumber is >= 0 and < Ga4World.RestatementDays ? generation : 0;
}
