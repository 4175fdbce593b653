using Pipeline.Sandbox.World;

namespace Pipeline.Marts.Tests;

/// <summary>A KPI's coverage over some days as the reference expects it (SEMANTICS.md, "Coverage and finality").</summary>
public sealed record CoverageRow(int CoveredDays, int PeriodDays, string Status, long OpenDeals)
{
    public double Coverage => (double)CoveredDays / PeriodDays;
}

/// <summary>
/// Coverage, finality and cost scope worked out on their own from the sandbox world and the sync plan the fixture ran
/// (every report stream read from the world's first day to its last, entity streams whole), without the warehouse:
/// which days each stream holds, which it may still restate, which days carry money without an FX rate, and
/// which channels have a cost source or attributable revenue.
/// </summary>
public sealed class CoverageReference
{
    public const string Traffic = "ga4 traffic_daily";
    public const string Users = "ga4 users_daily";
    public const string GoogleAds = "ga4 google_ads_daily";
    public const string Insights = "meta insights_daily";
    public const string CampaignReports = "mailchimp campaign_reports";
    public const string ListActivity = "mailchimp list_activity_daily";
    public const string Contacts = "hubspot contacts";
    public const string Deals = "hubspot deals";
    public const string Costs = "files marketing_costs";
    public const string NpsFile = "files nps_responses";

    /// <summary>The channels SEMANTICS.md counts as paid (dw.dim_channel.is_paid).</summary>
    public static readonly IReadOnlySet<string> PaidChannels = new HashSet<string>(StringComparer.Ordinal)
        { "Paid Search", "Paid Social", "Display", "Paid Video", "Paid Shopping", "Paid Other", "Cross-network", "Affiliates", "Audio" };

    /// <summary>KPIs of the cost scope: blended and paid (platform ROAS is not).</summary>
    public static readonly IReadOnlySet<string> ScopedKpis = new HashSet<string>(StringComparer.Ordinal)
        { "roi", "roas", "cac", "cpl", "romi", "roi_paid", "roas_paid", "cac_paid", "cpl_paid" };

    private static readonly string[] Web = [Traffic];
    private static readonly string[] Ads = [Insights, GoogleAds];
    private static readonly string[] AdMoney = [Insights + "$", GoogleAds + "$"];
    private static readonly string[] AllCost = [Insights + "$", GoogleAds + "$", Costs + "$"];

    /// <summary>The streams each KPI reads; "$" marks a stream the KPI reads money from (needs FX rates).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Needs = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["sessions"] = Web, ["engagement_rate"] = Web, ["bounce_rate"] = Web, ["pages_per_session"] = Web,
        ["avg_session_duration"] = Web, ["web_conversion_rate"] = Web, ["channel_session_share"] = Web,
        ["users"] = [Users], ["new_users"] = [Users],
        ["impressions"] = Ads, ["ctr"] = Ads, ["cpc"] = AdMoney, ["cpm"] = AdMoney,
        ["ad_conversion_rate"] = [Insights, GoogleAds, Traffic],
        ["cpa"] = [.. AdMoney, Traffic],
        ["roas_platform"] = [.. AdMoney, Traffic + "$"],
        ["list_growth"] = [ListActivity],
        ["email_open_rate"] = [CampaignReports], ["email_open_rate_human"] = [CampaignReports], ["email_click_rate"] = [CampaignReports],
        ["email_click_to_open_rate"] = [CampaignReports], ["email_unsubscribe_rate"] = [CampaignReports], ["email_bounce_rate"] = [CampaignReports],
        ["leads"] = [Contacts], ["mqls"] = [Contacts], ["sqls"] = [Contacts],
        ["new_customers"] = [Deals], ["deals_created"] = [Deals], ["win_rate"] = [Deals], ["sales_cycle_days"] = [Deals],
        ["revenue"] = [Deals + "$"], ["aov"] = [Deals + "$"],
        ["cpl"] = [.. AllCost, Contacts], ["cpl_paid"] = [.. AllCost, Contacts],
        ["cac"] = [.. AllCost, Deals], ["cac_paid"] = [.. AllCost, Deals],
        ["roi"] = [.. AllCost, Deals + "$"], ["roi_paid"] = [.. AllCost, Deals + "$"], ["roas"] = [.. AllCost, Deals + "$"],
        ["roas_paid"] = [.. AllCost, Deals + "$"], ["romi"] = [.. AllCost, Deals + "$"],
        ["nps"] = [NpsFile],
    };

    private readonly Dictionary<string, Func<DateOnly, bool>> loaded = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<DateOnly, bool>> restating = new(StringComparer.Ordinal);
    private readonly Dictionary<DateOnly, int> openDeals = [];
    private readonly HashSet<(string Source, DateOnly Day, string Currency)> fxMissing = [];

    public CoverageReference(GroundTruth truth, WorldOptions world, SandboxWorld sandbox, TestFiles files, FxTable fx, DateOnly firstListActivityDay, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(sandbox);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(fx);
        Today = today;
        var (start, end) = (world.StartDate, world.EndDate);

        // Report streams: windows from the world's first day (FirstRunDays = the world's length) to its last; days
        // before the account's data start (platform creation day) count as loaded, there was nothing to load.
        var ga4Start = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(sandbox.Ga4.CreateTime, TimeZoneInfo.FindSystemTimeZoneById(truth.Ga4Property.TimeZone)).DateTime);
        bool Ga4(DateOnly d) => d < ga4Start || (d >= start && d <= end);
        foreach (var stream in new[] { Traffic, Users, GoogleAds })
        {
            loaded[stream] = Ga4;
            restating[stream] = d => d > end.AddDays(-3) && d >= ga4Start;
        }

        var metaStarts = truth.MetaAccounts
            .Select(a => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(a.CreatedTime, TimeZoneInfo.FindSystemTimeZoneById(a.TimeZone)).DateTime)).ToList();
        loaded[Insights] = d => metaStarts.All(s => d < s || (d >= start && d <= end));
        restating[Insights] = d => d > end.AddDays(-28) && metaStarts.Any(s => d >= s);

        var listStart = truth.MailchimpLists.Min(l => DateOnly.FromDateTime(l.DateCreated.UtcDateTime));
        loaded[ListActivity] = d => d < listStart || (d >= firstListActivityDay && d <= end);
        restating[ListActivity] = d => d > end.AddDays(-30) && d >= listStart;

        // Entity and snapshot streams hold their whole history: loaded from the first data day (Mailchimp: the
        // account's data start) to the day of the run. Campaign reports still change for 30 days after sending.
        loaded[CampaignReports] = d => d <= end;
        restating[CampaignReports] = d => d > end.AddDays(-30) && d >= listStart;
        var firstContact = truth.HubSpotContacts().Min(c => ReferenceKpis.LocalDate(c.CreateDate));
        loaded[Contacts] = d => d >= firstContact && d <= end;
        var deals = truth.HubSpotDealFacts();
        var firstDeal = deals.Min(c => ReferenceKpis.LocalDate(c.CreateDate));
        loaded[Deals] = d => d >= firstDeal && d <= end;
        var firstCost = files.Costs.Min(c => c.Date);
        loaded[Costs] = d => d >= firstCost && d <= end;
        var firstNps = files.Nps.Min(c => c.Date);
        loaded[NpsFile] = d => d >= firstNps && d <= end;

        // Open deals keep their creation day provisional within the maturity window (Reporting:CrmMaturityDays, 90).
        foreach (var deal in deals.Where(d => !d.Archived && !d.IsClosed))
        {
            var created = ReferenceKpis.LocalDate(deal.CreateDate);
            if (created > today.AddDays(-90))
            {
                openDeals[created] = openDeals.GetValueOrDefault(created) + 1;
            }
        }

        restating[Deals] = openDeals.ContainsKey;

        // Money without any FX rate: cost file rows and Meta spend in a currency fx_rates.csv does not know.
        foreach (var c in files.Costs.Where(c => c.Cost != 0 && fx.Rate(c.Currency, c.Date) is null))
        {
            fxMissing.Add(("files", c.Date, c.Currency));
        }

        var currencies = truth.MetaAccounts.ToDictionary(a => a.AccountId, a => a.Currency, StringComparer.Ordinal);
        for (var d = start; d <= end; d = d.AddDays(1))
        {
            foreach (var f in truth.MetaAdDays(d).Where(f => f.Delivery.SpendCents != 0 && fx.Rate(currencies[f.AccountId], d) is null))
            {
                fxMissing.Add(("meta", d, currencies[f.AccountId]));
            }
        }

        // Cost scope: a channel has a cost source when any cost books to it; revenue is attributable where a CRM
        // source maps (seeded HubSpot mapping) or a deal or lead carries the channel.
        var cost = new HashSet<string>(StringComparer.Ordinal);
        if (truth.MetaAccounts.Count > 0)
        {
            cost.Add("Paid Social");
        }

        if (truth.GoogleAdsLinked && truth.GoogleAdsCampaigns.Count > 0)
        {
            cost.Add("Paid Search");
        }

        foreach (var c in files.Costs)
        {
            cost.Add(ReferenceKpis.FileChannels.GetValueOrDefault(c.Channel) ?? "Unassigned");
        }

        CostChannels = cost;
        AttributableChannels = new HashSet<string>(
            ReferenceKpis.SeededHubSpotChannels
                .Concat(deals.Where(d => !d.Archived).Select(d => ReferenceKpis.HubSpotChannel(d.OriginalSource)))
                .Concat(truth.HubSpotContacts().Where(c => !c.Archived).Select(c => ReferenceKpis.HubSpotChannel(c.OriginalSource))),
            StringComparer.Ordinal);
    }

    /// <summary>The reporting day the marts call today.</summary>
    public DateOnly Today { get; }

    public IReadOnlySet<string> CostChannels { get; }

    public IReadOnlySet<string> AttributableChannels { get; }

    public IReadOnlySet<(string Source, DateOnly Day, string Currency)> FxMissing => fxMissing;

    /// <summary>Every stream the KPI needs was loaded on the day, and its money had FX rates.</summary>
    public bool Covered(string kpi, DateOnly day) =>
        day <= Today && Needs[kpi].All(s => loaded[s.TrimEnd('$')](day)
            && !(s.EndsWith('$') && fxMissing.Any(f => f.Day == day && s.StartsWith(f.Source + " ", StringComparison.Ordinal))));

    public bool Provisional(string kpi, DateOnly day) =>
        Covered(kpi, day) && Needs[kpi].Any(s => restating.TryGetValue(s.TrimEnd('$'), out var restates) && restates(day));

    /// <summary>The value of a blended or paid cost KPI of this channel is NULL (no cost source, or no revenue to attribute).</summary>
    public bool ScopeUnknown(string kpi, string segmentType, string segment) =>
        segmentType == "channel" && ScopedKpis.Contains(kpi) && (!CostChannels.Contains(segment) || !AttributableChannels.Contains(segment));

    public CoverageRow For(string kpi, DateOnly from, DateOnly to)
    {
        var covered = 0;
        var provisional = false;
        long open = 0;
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            if (Covered(kpi, d))
            {
                covered++;
                provisional |= Provisional(kpi, d);
            }

            if (Needs[kpi].Any(s => s.TrimEnd('$') == Deals) && d <= Today && loaded[Deals](d))
            {
                open += openDeals.GetValueOrDefault(d);
            }
        }

        var days = to.DayNumber - from.DayNumber + 1;
        return new CoverageRow(covered, days, covered < days ? "partial" : provisional ? "provisional" : "complete", open);
    }

    /// <summary>The set of KPIs a day does not cover: days with the same set can be summed together for every KPI.</summary>
    public string UncoveredOn(DateOnly day) =>
        string.Join(",", Needs.Keys.Where(k => !Covered(k, day)).Order(StringComparer.Ordinal));

    public static DateOnly ReportingToday() => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, ReferenceKpis.Berlin).DateTime);
}
