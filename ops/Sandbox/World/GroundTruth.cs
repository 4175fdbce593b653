namespace Pipeline.Sandbox.World;

/// <summary>
/// True totals at the world's current read generation. Small on purpose: enough to check spend, sessions,
/// email stats and deal values landed in a warehouse without loss or double counting.
/// </summary>
public sealed class GroundTruth
{
    private readonly SandboxWorld world;

    internal GroundTruth(SandboxWorld world) => this.world = world;

    /// <summary>The days the ad account delivered nothing (paused), or null: its insights are empty then and its spend 0.</summary>
    public (DateOnly From, DateOnly To)? MetaPausedDays(string accountId) => world.Meta.PausedDays(accountId);

    /// <summary>Meta spend in the account's currency for a day, optionally for one campaign.</summary>
    public decimal MetaSpend(string accountId, DateOnly date, string? campaignId = null)
    {
        long cents = 0;
        foreach (var ad in world.Meta.Ads)
        {
            if (ad.Campaign.AccountId == accountId && (campaignId is null || ad.Campaign.Id == campaignId))
            {
                cents += world.Meta.AdDay(ad, date, world.ReadGeneration).SpendCents;
            }
        }

        return cents / 100m;
    }

    /// <summary>Meta spend over an inclusive date range.</summary>
    public decimal MetaSpend(string accountId, DateOnly from, DateOnly to, string? campaignId = null)
    {
        var total = 0m;
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            total += MetaSpend(accountId, d, campaignId);
        }

        return total;
    }

    /// <summary>Meta purchases (7-day click + 1-day view) for a day; restated while younger than 28 days.</summary>
    public long MetaPurchases(string accountId, DateOnly date)
    {
        long total = 0;
        foreach (var ad in world.Meta.Ads)
        {
            if (ad.Campaign.AccountId == accountId)
            {
                var day = world.Meta.AdDay(ad, date, world.ReadGeneration);
                total += day.Purchases7dClick + day.Purchases1dView;
            }
        }

        return total;
    }

    /// <summary>GA4 sessions for a day, per sessionDefaultChannelGroup.</summary>
    public IReadOnlyDictionary<string, long> Ga4SessionsByChannel(DateOnly date)
    {
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var s in world.Ga4.Segments(date, world.ReadGeneration))
        {
            result[s.Channel] = result.GetValueOrDefault(s.Channel) + s.Sessions;
        }

        return result;
    }

    public long Ga4Sessions(DateOnly date, string? channel = null) =>
        channel is null ? Ga4SessionsByChannel(date).Values.Sum() : Ga4SessionsByChannel(date).GetValueOrDefault(channel);

    /// <summary>Report stats of a Mailchimp campaign as /reports/{id} serves them now; null for unsent campaigns.</summary>
    public MailchimpReportStats? MailchimpReport(string campaignId) =>
        world.Mailchimp.FindCampaign(campaignId) is { } c ? world.Mailchimp.Report(c, world.ReadGeneration) : null;

    /// <summary>Deal counts and amounts. Archived deals are deleted in HubSpot and excluded unless asked for.</summary>
    public DealTotals HubSpotDeals(bool archived = false)
    {
        long count = 0, won = 0;
        decimal amount = 0, wonAmount = 0;
        for (var i = 0; i < world.Options.Deals; i++)
        {
            if (world.Crm.Core(CrmObjectType.Deals, i).Archived != archived)
            {
                continue;
            }

            var (dealAmount, stage, _) = world.Crm.DealFacts(i);
            count++;
            amount += dealAmount;
            if (stage == "closedwon")
            {
                won++;
                wonAmount += dealAmount;
            }
        }

        return new DealTotals(count, amount, won, wonAmount);
    }

    // ---- Underlying facts, for tests that recompute KPIs independently of a warehouse. Everything below reads the
    // ---- world at the current read generation, in the shape (and rounding) the sandbox APIs serve it.

    /// <summary>GA4 property time zone (report dates are in it) and currency.</summary>
    public (string TimeZone, string Currency) Ga4Property => (world.Ga4.TimeZone, world.Ga4.CurrencyCode);

    /// <summary>Every GA4 traffic segment of a day (source, medium, campaign, device, country and metrics); empty outside the world.</summary>
    public IReadOnlyList<Ga4Segment> Ga4Segments(DateOnly date) => world.Ga4.Segments(date, world.ReadGeneration);

    /// <summary>
    /// Distinct users per sessionDefaultChannelGroup for one day, as a date × channel GA4 report counts them (a
    /// distinct count over the channel's segments, not their sum).
    /// </summary>
    public IReadOnlyDictionary<string, Ga4UserCounts> Ga4UsersByChannel(DateOnly date)
    {
        var groups = new SortedDictionary<string, Ga4Aggregate>(StringComparer.Ordinal);
        foreach (var s in world.Ga4.Segments(date, world.ReadGeneration))
        {
            if (!groups.TryGetValue(s.Channel, out var aggregate))
            {
                aggregate = new Ga4Aggregate();
                groups[s.Channel] = aggregate;
            }

            aggregate.Add(s);
        }

        return groups.ToDictionary(g => g.Key, g => new Ga4UserCounts(g.Value.TotalUsers, g.Value.NewUsers, g.Value.ActiveUsers), StringComparer.Ordinal);
    }

    /// <summary>The day the GA4 tag was broken (no GA4 rows, every GA4 accessor returns 0 or empty), or null.</summary>
    public DateOnly? Ga4OutageDate => world.Options.Ga4OutageDate;

    /// <summary>Whether a Google Ads account is linked to the GA4 property (else GA4 has no cost data).</summary>
    public bool GoogleAdsLinked => world.GoogleAds.Linked;

    /// <summary>The linked account's name (GA4's sessionGoogleAdsAccountName).</summary>
    public string GoogleAdsAccountName => world.GoogleAds.AccountName;

    /// <summary>Google Ads campaigns with the ids and names GA4 reports (sessionGoogleAdsCampaignId / -Name).</summary>
    public IReadOnlyList<GoogleAdsCampaign> GoogleAdsCampaigns => world.GoogleAds.Campaigns;

    /// <summary>
    /// Each campaign's Google Ads delivery on a day as GA4 serves it (cost in cents of the property currency),
    /// including campaigns with no delivery; empty when unlinked, outside the world and on the outage day.
    /// </summary>
    public IReadOnlyList<GoogleAdsCampaignDay> GoogleAdsDays(DateOnly date) => world.GoogleAds.Days(date, world.ReadGeneration);

    /// <summary>GA4 advertiserAdCost of a day in the property currency, optionally for one campaign id.</summary>
    public decimal GoogleAdsCost(DateOnly date, string? campaignId = null) => AdsDays(date, campaignId).Sum(d => d.CostCents) / 100m;

    /// <summary>GA4 advertiserAdClicks of a day, optionally for one campaign id.</summary>
    public long GoogleAdsClicks(DateOnly date, string? campaignId = null) => AdsDays(date, campaignId).Sum(d => d.Clicks);

    /// <summary>GA4 advertiserAdImpressions of a day, optionally for one campaign id.</summary>
    public long GoogleAdsImpressions(DateOnly date, string? campaignId = null) => AdsDays(date, campaignId).Sum(d => d.Impressions);

    private IEnumerable<GoogleAdsCampaignDay> AdsDays(DateOnly date, string? campaignId) =>
        world.GoogleAds.Days(date, world.ReadGeneration).Where(d => campaignId is null || d.Campaign.Id == campaignId);

    /// <summary>Meta ad accounts with their currency and time zone (insights dates are in the account's zone).</summary>
    public IReadOnlyList<MetaAdAccount> MetaAccounts => world.Meta.Accounts;

    /// <summary>Delivery of every ad with impressions on a day (the ad-level daily insights rows).</summary>
    public IReadOnlyList<MetaAdDayFact> MetaAdDays(DateOnly date)
    {
        var result = new List<MetaAdDayFact>();
        foreach (var ad in world.Meta.Ads)
        {
            var day = world.Meta.AdDay(ad, date, world.ReadGeneration);
            if (day.HasDelivery)
            {
                result.Add(AdFact(ad, date, day));
            }
        }

        return result;
    }

    /// <summary>
    /// Ad-level daily delivery split by one breakdown (country, device_platform, publisher_platform) exactly as the
    /// insights endpoint serves it: every metric split on its own, combinations without impressions left out.
    /// </summary>
    public IReadOnlyList<MetaAdDaySplitFact> MetaAdDayBreakdown(DateOnly date, string breakdown)
    {
        var result = new List<MetaAdDaySplitFact>();
        foreach (var ad in world.Meta.Ads)
        {
            var day = world.Meta.AdDay(ad, date, world.ReadGeneration);
            if (!day.HasDelivery)
            {
                continue;
            }

            var dimension = world.Meta.BreakdownsOf(ad.Campaign.AccountId).First(b => b.Name == breakdown);
            var weights = world.Meta.SplitWeights(ad, date, [dimension]);
            long[] Part(long total) => MetaWorld.Split(total, weights);
            var impressions = Part(day.Impressions);
            var reach = Part(day.Reach);
            var clicks = Part(day.Clicks);
            var linkClicks = Part(day.LinkClicks);
            var landing = Part(day.LandingPageViews);
            var engagement = Part(day.PostEngagement);
            var spend = Part(day.SpendCents);
            var leads7d = Part(day.Leads7dClick);
            var leads1d = Part(day.Leads1dView);
            var purchases7d = Part(day.Purchases7dClick);
            var purchases1d = Part(day.Purchases1dView);
            var value7d = Part(day.PurchaseValueCents7dClick);
            var value1d = Part(day.PurchaseValueCents1dView);
            for (var c = 0; c < weights.Length; c++)
            {
                if (impressions[c] == 0)
                {
                    continue;
                }

                var part = new MetaAdDay(
                    impressions[c], Math.Min(reach[c], impressions[c]), clicks[c], linkClicks[c], landing[c], engagement[c], spend[c],
                    leads7d[c], leads1d[c], purchases7d[c], purchases1d[c], value7d[c], value1d[c]);
                var fact = AdFact(ad, date, part);
                result.Add(new MetaAdDaySplitFact(fact, breakdown, dimension.Values[c]));
            }
        }

        return result;
    }

    /// <summary>Sent Mailchimp campaigns with their send time (to the second, as served) and report stats.</summary>
    public IReadOnlyList<MailchimpSentCampaignFact> MailchimpSentCampaigns() =>
        world.Mailchimp.Campaigns
            .Where(c => c.SendTime is not null)
            .Select(c => new MailchimpSentCampaignFact(c.Id, c.List.Id, c.Title, c.UtmCampaign, WholeSeconds(c.SendTime!.Value), world.Mailchimp.Report(c, world.ReadGeneration)!))
            .ToList();

    /// <summary>Mailchimp lists (id, creation, member count).</summary>
    public IReadOnlyList<MailchimpList> MailchimpLists => world.Mailchimp.Lists;

    /// <summary>
    /// Daily list activity of every day the activity endpoint serves (the last 180 days, none before the list
    /// existed): members who opted in that day, unsubscribes and other adds and removes.
    /// </summary>
    public IReadOnlyList<MailchimpListDayFact> MailchimpListActivity(string listId)
    {
        var list = world.Mailchimp.FindList(listId) ?? throw new KeyNotFoundException("no Mailchimp list " + listId);
        var optIns = Enumerable.Range(0, list.MemberTotal).Select(i => world.Mailchimp.OptInTime(list, i)).ToList();
        var result = new List<MailchimpListDayFact>();
        for (var d = world.Today; d > world.Today.AddDays(-180) && d >= DateOnly.FromDateTime(list.DateCreated.UtcDateTime); d = d.AddDays(-1))
        {
            var start = new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var subs = optIns.Count(t => t >= start && t < start.AddDays(1));
            result.Add(new MailchimpListDayFact(
                list.Id, d, subs,
                (int)(world.Mailchimp.ActivityNoise(list, d, 1) * 3),
                (int)(world.Mailchimp.ActivityNoise(list, d, 2) * 2),
                (int)(world.Mailchimp.ActivityNoise(list, d, 3) * 2)));
        }

        return result;
    }

    /// <summary>Every member of a list with status and last_changed (to the second, as served).</summary>
    public IReadOnlyList<MailchimpMemberFact> MailchimpMembers(string listId)
    {
        var list = world.Mailchimp.FindList(listId) ?? throw new KeyNotFoundException("no Mailchimp list " + listId);
        return Enumerable.Range(0, list.MemberTotal)
            .Select(i =>
            {
                var (status, lastChanged) = world.Mailchimp.MemberStatus(list, i);
                return new MailchimpMemberFact(list.Id, i, status, WholeSeconds(lastChanged));
            })
            .ToList();
    }

    /// <summary>HubSpot contacts with the properties the CRM serves (lifecycle dates, original source and drill-downs).</summary>
    public IReadOnlyList<HubSpotContactFact> HubSpotContacts()
    {
        var result = new List<HubSpotContactFact>();
        for (var i = 0; i < world.Options.Contacts; i++)
        {
            var core = world.Crm.Core(CrmObjectType.Contacts, i);
            var p = world.Crm.Properties(CrmObjectType.Contacts, i);
            result.Add(new HubSpotContactFact(
                core.Id, core.Archived, Time(p["createdate"])!.Value, p["lifecyclestage"],
                Time(p["hs_lifecyclestage_lead_date"]), Time(p["hs_lifecyclestage_marketingqualifiedlead_date"]),
                Time(p["hs_lifecyclestage_salesqualifiedlead_date"]), Time(p["hs_lifecyclestage_opportunity_date"]),
                Time(p["hs_lifecyclestage_customer_date"]),
                p["hs_analytics_source"], p["hs_analytics_source_data_1"], p["hs_analytics_source_data_2"]));
        }

        return result;
    }

    /// <summary>HubSpot companies (id and create date).</summary>
    public IReadOnlyList<HubSpotCompanyFact> HubSpotCompanies() =>
        Enumerable.Range(0, world.Options.Companies)
            .Select(i => new HubSpotCompanyFact(world.Crm.Core(CrmObjectType.Companies, i).Id, Time(world.Crm.Properties(CrmObjectType.Companies, i)["createdate"])!.Value))
            .ToList();

    /// <summary>
    /// HubSpot deals (archived ones included and flagged) with amount, currency, stage, create and close time,
    /// original source and the ids of their associated companies and contacts, in association order.
    /// </summary>
    public IReadOnlyList<HubSpotDealFact> HubSpotDealFacts()
    {
        var result = new List<HubSpotDealFact>();
        for (var i = 0; i < world.Options.Deals; i++)
        {
            var core = world.Crm.Core(CrmObjectType.Deals, i);
            var p = world.Crm.Properties(CrmObjectType.Deals, i);
            var contact = world.Crm.ContactOfDeal(i);
            result.Add(new HubSpotDealFact(
                core.Id, core.Archived,
                p["amount"] is { } amount ? decimal.Parse(amount, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture) : null,
                p["deal_currency_code"], p["dealstage"]!, Time(p["createdate"])!.Value, Time(p["closedate"]),
                p["hs_is_closed"] == "true", p["hs_is_closed_won"] == "true", p["hs_analytics_source"],
                [CrmWorld.CompanyIdBase + world.Crm.CompanyOfContact(contact)], [CrmWorld.ContactIdBase + contact]));
        }

        return result;
    }

    private static MetaAdDayFact AdFact(MetaAd ad, DateOnly date, MetaAdDay day) =>
        new(ad.Campaign.AccountId, ad.Campaign.Id, ad.Campaign.Name, ad.AdSet.Id, ad.Id, date, day);

    private static DateTimeOffset WholeSeconds(DateTimeOffset t) => new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static DateTimeOffset? Time(string? iso) =>
        iso is null ? null : DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal);
}

public sealed record DealTotals(long Count, decimal Amount, long ClosedWonCount, decimal ClosedWonAmount);

/// <summary>Distinct users of one GA4 report row.</summary>
public sealed record Ga4UserCounts(long TotalUsers, long NewUsers, long ActiveUsers);

/// <summary>One ad's delivery on one day (money in cents of the ad account's currency).</summary>
public sealed record MetaAdDayFact(string AccountId, string CampaignId, string CampaignName, string AdSetId, string AdId, DateOnly Date, MetaAdDay Delivery);

/// <summary>One ad's delivery on one day for one value of a breakdown.</summary>
public sealed record MetaAdDaySplitFact(MetaAdDayFact Fact, string Breakdown, string Value);

public sealed record MailchimpSentCampaignFact(string CampaignId, string ListId, string Title, string UtmCampaign, DateTimeOffset SendTime, MailchimpReportStats Stats);

public sealed record MailchimpListDayFact(string ListId, DateOnly Day, long Subs, long Unsubs, long OtherAdds, long OtherRemoves);

public sealed record MailchimpMemberFact(string ListId, int Index, string Status, DateTimeOffset LastChanged);

public sealed record HubSpotContactFact(
    long Id, bool Archived, DateTimeOffset CreateDate, string? LifecycleStage,
    DateTimeOffset? LeadDate, DateTimeOffset? MqlDate, DateTimeOffset? SqlDate, DateTimeOffset? OpportunityDate, DateTimeOffset? CustomerDate,
    string? OriginalSource, string? SourceDrillDown1, string? SourceDrillDown2);

public sealed record HubSpotCompanyFact(long Id, DateTimeOffset CreateDate);

public sealed record HubSpotDealFact(
    long Id, bool Archived, decimal? Amount, string? Currency, string Stage, DateTimeOffset CreateDate, DateTimeOffset? CloseDate,
    bool IsClosed, bool IsWon, string? OriginalSource, IReadOnlyList<long> CompanyIds, IReadOnlyList<long> ContactIds);
