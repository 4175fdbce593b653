namespace Pipeline.Sandbox.World;

public sealed record MetaAdAccount(string AccountId, string Name, string Currency, string TimeZone, string BusinessId, int Index)
{
    public string NodeId => "act_" + AccountId;

    /// <summary>The account's <c>created_time</c>: a few days before the world's first delivery day (the second account a day later).</summary>
    public DateTimeOffset CreatedTime { get; init; }
}

public sealed record MetaCampaign(
    string Id, string AccountId, string Name, string Objective, DateOnly StartDate, DateOnly StopDate, long DailyBudgetCents, int Index);

public sealed record MetaAdSet(string Id, string Name, MetaCampaign Campaign, int Index);

public sealed record MetaAd(string Id, string Name, MetaAdSet AdSet, int Index)
{
    public MetaCampaign Campaign => AdSet.Campaign;
}

/// <summary>One ad's delivery on one day. Money is in cents of the ad account's currency.</summary>
public readonly record struct MetaAdDay(
    long Impressions, long Reach, long Clicks, long LinkClicks, long LandingPageViews, long PostEngagement, long SpendCents,
    long Leads7dClick, long Leads1dView, long Purchases7dClick, long Purchases1dView,
    long PurchaseValueCents7dClick, long PurchaseValueCents1dView)
{
    public bool HasDelivery => Impressions > 0;
}

/// <summary>A breakdown dimension with its values and their typical shares.</summary>
public sealed record MetaBreakdown(string Name, IReadOnlyList<string> Values, IReadOnlyList<double> Weights);

/// <summary>Meta ad accounts, their campaign tree and daily delivery.</summary>
public sealed class MetaWorld
{
    /// <summary>Meta restates conversions for this many days (attribution windows).</summary>
    public const int RestatementDays = 28;

    private static readonly string[] Themes =
        ["Prospecting", "Retargeting", "Lead-Magnet", "Spring-Sale", "Webinar", "Free-Trial", "New-Collection", "Brand"];

    private static readonly string[] Objectives = ["OUTCOME_SALES", "OUTCOME_LEADS", "OUTCOME_TRAFFIC"];
    private static readonly double[] WeekdayFactor = [0.88, 1.0, 1.02, 1.03, 1.0, 0.95, 0.85];

    private readonly WorldOptions options;
    private readonly long seed;
    private readonly Dictionary<string, MetaAdAccount> accountsById;
    private readonly Dictionary<string, MetaBreakdown[]> breakdownsByAccount = [];
    private readonly Injections injections;

    internal MetaWorld(WorldOptions options)
    {
        this.options = options;
        injections = new Injections(options);
        seed = options.Seed;
        var accounts = new List<MetaAdAccount>();
        var campaigns = new List<MetaCampaign>();
        var adSets = new List<MetaAdSet>();
        var ads = new List<MetaAd>();
        for (var a = 0; a < options.MetaAdAccounts; a++)
        {
            // The second account is a US subsidiary so time zone and currency differ from the GA4 property.
            var account = a == 0
                ? new MetaAdAccount(Det.Digits(15, seed, Salt.MetaAccount, a), "Nordlicht Shop DE", "EUR", "Europe/Berlin", Det.Digits(15, seed, Salt.MetaAccount, 100), a)
                : new MetaAdAccount(Det.Digits(15, seed, Salt.MetaAccount, a), "Nordlicht Shop US", "USD", "America/New_York", Det.Digits(15, seed, Salt.MetaAccount, 100), a);
            account = account with { CreatedTime = new DateTimeOffset(options.StartDate.AddDays(-3 + a).ToDateTime(new TimeOnly(8, 42, 17)), TimeSpan.Zero) };
            accounts.Add(account);
            breakdownsByAccount[account.AccountId] =
            [
                a == 0
                    ? new MetaBreakdown("country", ["DE", "AT", "CH", "NL"], [0.6, 0.2, 0.12, 0.08])
                    : new MetaBreakdown("country", ["US", "CA", "GB"], [0.7, 0.18, 0.12]),
                new MetaBreakdown("device_platform", ["mobile_app", "mobile_web", "desktop"], [0.62, 0.23, 0.15]),
                new MetaBreakdown("publisher_platform", ["facebook", "instagram", "audience_network", "messenger"], [0.55, 0.38, 0.05, 0.02]),
            ];
            var tag = a == 0 ? "DE" : "US";
            for (var c = 0; c < options.MetaCampaignsPerAccount; c++)
            {
                var campaignKey = (a * 10_000L) + c;
                // The first campaign is always on, so every day has paid social traffic.
                var startOffset = c == 0 ? 0 : Det.Index(Math.Max(1, options.Days * 2 / 3), seed, Salt.MetaCampaign, campaignKey, 1);
                var duration = c == 0 ? options.Days : 14 + Det.Index(Math.Max(1, options.Days), seed, Salt.MetaCampaign, campaignKey, 2);
                var start = options.StartDate.AddDays(startOffset);
                var stop = start.AddDays(duration - 1);
                if (stop > options.EndDate)
                {
                    stop = options.EndDate;
                }

                var theme = Themes[(c + a) % Themes.Length];
                var campaign = new MetaCampaign(
                    Det.Digits(17, seed, Salt.MetaCampaign, campaignKey),
                    account.AccountId,
                    string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{tag}_{theme}_{c + 1:00}"),
                    Objectives[Det.Index(Objectives.Length, seed, Salt.MetaCampaign, campaignKey, 3)],
                    start,
                    stop,
                    // An SME's budgets: 7-26 a day per campaign in the account's currency.
                    (long)Det.Between(700, 2_600, seed, Salt.MetaCampaign, campaignKey, 4),
                    campaigns.Count);
                campaigns.Add(campaign);
                for (var s = 0; s < options.MetaAdSetsPerCampaign; s++)
                {
                    var adSetKey = (campaignKey * 100) + s;
                    var adSet = new MetaAdSet(
                        Det.Digits(17, seed, Salt.MetaAdSet, adSetKey),
                        campaign.Name + (s % 2 == 0 ? "_Broad_" : "_Lookalike_") + (s + 1).ToString("00", System.Globalization.CultureInfo.InvariantCulture),
                        campaign,
                        adSets.Count);
                    adSets.Add(adSet);
                    for (var d = 0; d < options.MetaAdsPerAdSet; d++)
                    {
                        var adKey = (adSetKey * 100) + d;
                        ads.Add(new MetaAd(
                            Det.Digits(17, seed, Salt.MetaAd, adKey),
                            adSet.Name + (d % 2 == 0 ? "_Video_" : "_Carousel_") + (d + 1).ToString("00", System.Globalization.CultureInfo.InvariantCulture),
                            adSet,
                            ads.Count));
                    }
                }
            }
        }

        Accounts = accounts;
        Campaigns = campaigns;
        AdSets = adSets;
        Ads = ads;
        accountsById = accounts.ToDictionary(x => x.AccountId);
        AdsByCampaign = ads.GroupBy(x => x.Campaign.Id).ToDictionary(g => g.Key, g => (IReadOnlyList<MetaAd>)g.ToList());
    }

    public IReadOnlyList<MetaAdAccount> Accounts { get; }
    public IReadOnlyList<MetaCampaign> Campaigns { get; }
    public IReadOnlyList<MetaAdSet> AdSets { get; }
    public IReadOnlyList<MetaAd> Ads { get; }
    internal IReadOnlyDictionary<string, IReadOnlyList<MetaAd>> AdsByCampaign { get; }

    public MetaAdAccount? FindAccount(string accountId) => accountsById.GetValueOrDefault(accountId);

    /// <summary>Whether insights leave out action type <paramref name="actionType"/> for rows starting on <paramref name="day"/> (<see cref="WorldOptions.MetaDroppedActionType"/>).</summary>
    public bool ActionDropped(string actionType, DateOnly day) =>
        options.MetaActionDroppedFrom is { } from && day >= from && string.Equals(options.MetaDroppedActionType, actionType, StringComparison.Ordinal);

    public IReadOnlyList<MetaBreakdown> BreakdownsOf(string accountId) => breakdownsByAccount[accountId];

    public static bool IsActive(MetaCampaign campaign, DateOnly day) => day >= campaign.StartDate && day <= campaign.StopDate;

    /// <summary>
    /// The days the second ad account is paused (<see cref="WorldOptions.MetaPausedDays"/> from day <c>Days / 2 + 5</c>);
    /// empty for other accounts, a one-account world, or none configured.
    /// </summary>
    public (DateOnly From, DateOnly To)? PausedDays(string accountId)
    {
        if (options.MetaPausedDays <= 0 || Accounts.Count < 2 || Accounts[1].AccountId != accountId)
        {
            return null;
        }

        // A little after the middle, clear of the days other suites pin rates and checks to (start+16/17, +39/40).
        var from = options.StartDate.AddDays((options.Days / 2) + 5);
        return (from, from.AddDays(options.MetaPausedDays - 1));
    }

    /// <summary>Whether the account delivers nothing on the day (paused).</summary>
    public bool IsPaused(string accountId, DateOnly day) => PausedDays(accountId) is { } p && day >= p.From && day <= p.To;

    /// <summary>Delivery of an ad on a day as reported at the given read generation.</summary>
    public MetaAdDay AdDay(MetaAd ad, DateOnly day, int generation)
    {
        var campaign = ad.Campaign;
        if (!IsActive(campaign, day) || IsPaused(campaign.AccountId, day))
        {
            return default;
        }

        long dayNumber = day.DayNumber;
        long key = ad.Index;
        var adsInCampaign = AdsByCampaign[campaign.Id].Count;
        var weekday = WeekdayFactor[(int)day.DayOfWeek];
        // Budgets follow the season (more in the Q4 peak, less in summer).
        var spendCents = Det.Round(campaign.DailyBudgetCents / (double)adsInCampaign * weekday * Seasonality.Level(day, options.StartDate)
            * Det.Between(0.75, 1.15, seed, Salt.MetaAdDay, key, dayNumber, 1));
        var cpm = Det.Between(6, 14, seed, Salt.MetaAdDay, key, dayNumber, 2);
        var impressions = Math.Max(1, Det.Round(spendCents / 100.0 / cpm * 1000));
        var reach = Math.Max(1, Det.Round(impressions / Det.Between(1.05, 1.5, seed, Salt.MetaAdDay, key, dayNumber, 3)));
        var clicks = Det.Round(impressions * Det.Between(0.01, 0.03, seed, Salt.MetaAdDay, key, dayNumber, 4));
        var linkClicks = Det.Round(clicks * Det.Between(0.55, 0.8, seed, Salt.MetaAdDay, key, dayNumber, 5));
        var landingPageViews = Det.Round(linkClicks * Det.Between(0.7, 0.9, seed, Salt.MetaAdDay, key, dayNumber, 6));
        var postEngagement = clicks + Det.Round(impressions * 0.002);
        // Meta claims more leads than reach the CRM (view-through, duplicates, people who never confirm): with these rates
        // its leads are about 1.3-2.5 times the CRM's Paid Social leads.
        var (leadRate, purchaseRate) = campaign.Objective switch
        {
            "OUTCOME_LEADS" => (Det.Between(0.04, 0.06, seed, Salt.MetaAdDay, key, dayNumber, 7), 0.003),
            "OUTCOME_SALES" => (0.03, Det.Between(0.01, 0.03, seed, Salt.MetaAdDay, key, dayNumber, 7)),
            _ => (0.034, 0.004),
        };
        // A few landing page views per ad and day: round by a hashed draw so small rates still add up to their share.
        var leads = Count(landingPageViews * leadRate, key, dayNumber, 9);
        var purchases = Count(landingPageViews * purchaseRate, key, dayNumber, 10);
        var leads7dClick = Det.Round(leads * 0.8);
        var purchases7dClick = Det.Round(purchases * 0.8);
        // Web-shop orders of lamps and accessories.
        var averageOrderCents = Det.Between(12_000, 45_000, seed, Salt.MetaAdDay, key, dayNumber, 8);

        var age = options.EndDate.DayNumber - day.DayNumber;
        if (generation > 0 && age >= 0 && age < RestatementDays)
        {
            // Late attribution: recent days keep gaining click-through conversions with every read generation.
            var restate = Det.Hash(seed, Salt.MetaRestate, key, dayNumber);
            purchases7dClick += generation * (1 + (long)(restate % 2));
            leads7dClick += generation * (long)((restate >> 8) % 2);
        }

        var purchases1dView = purchases - Det.Round(purchases * 0.8);
        return new MetaAdDay(
            impressions, Math.Min(reach, impressions), clicks, linkClicks, landingPageViews, postEngagement, injections.Scale(InjectedAnomaly.MetaSpend, day, spendCents),
            leads7dClick, leads - Det.Round(leads * 0.8), purchases7dClick, purchases1dView,
            Det.Round(purchases7dClick * averageOrderCents), Det.Round(purchases1dView * averageOrderCents));
    }

    private long Count(double expected, long key, long dayNumber, long what)
    {
        var whole = Math.Floor(expected);
        return (long)whole + (Det.Unit(seed, Salt.MetaAdDay, key, dayNumber, what) < expected - whole ? 1 : 0);
    }

    /// <summary>Per-combination weights of the given breakdowns for one ad-day (product of shares with some noise).</summary>
    internal double[] SplitWeights(MetaAd ad, DateOnly day, IReadOnlyList<MetaBreakdown> breakdowns)
    {
        var combos = 1;
        foreach (var b in breakdowns)
        {
            combos *= b.Values.Count;
        }

        var weights = new double[combos];
        for (var i = 0; i < combos; i++)
        {
            var w = 1.0;
            var rest = i;
            for (var b = breakdowns.Count - 1; b >= 0; b--)
            {
                var n = breakdowns[b].Values.Count;
                w *= breakdowns[b].Weights[rest % n];
                rest /= n;
            }

            weights[i] = w * Det.Between(0.8, 1.2, seed, Salt.MetaSplit, ad.Index, day.DayNumber, i);
        }

        return weights;
    }

    /// <summary>Largest-remainder split so the parts always sum to exactly the total.</summary>
    internal static long[] Split(long total, IReadOnlyList<double> weights)
    {
        var parts = new long[weights.Count];
        if (total == 0 || weights.Count == 0)
        {
            return parts;
        }

        var sum = weights.Sum();
        var remainders = new double[weights.Count];
        long assigned = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            var exact = total * weights[i] / sum;
            parts[i] = (long)Math.Floor(exact);
            remainders[i] = exact - parts[i];
            assigned += parts[i];
        }

        foreach (var i in Enumerable.Range(0, weights.Count).OrderByDescending(i => remainders[i]).ThenBy(i => i).Take((int)(total - assigned)))
        {
            parts[i]++;
        }

        return parts;
    }
}
