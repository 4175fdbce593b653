using Pipeline.Sandbox.World;

namespace Pipeline.Marts.Tests;

/// <summary>One KPI row as the reference computes it (or as the mart holds it).</summary>
public sealed record KpiRow(decimal? Numerator, decimal? Denominator, double? Value);

/// <summary>(KPI, grain, period start, segment type, segment) — the key of mart.kpi_values.</summary>
public sealed record KpiKey(string Kpi, string Grain, DateOnly PeriodStart, string SegmentType, string Segment)
{
    public override string ToString() => $"{Kpi} {Grain} {PeriodStart:yyyy-MM-dd} {SegmentType}={Segment}";
}

/// <summary>
/// Base measures summed over some days for one segment. A measure is present when any fact of it happened there; a
/// fact whose money could not be converted (no FX rate) is present with an unknown value and adds nothing.
/// </summary>
public sealed class MeasureBag
{
    private readonly Dictionary<string, decimal> sums = new(StringComparer.Ordinal);

    public HashSet<string> Present { get; } = new(StringComparer.Ordinal);

    public decimal this[string measure] => sums.GetValueOrDefault(measure);

    /// <summary>The measure has at least one fact with a known value.</summary>
    public bool Known(string measure) => sums.ContainsKey(measure);

    public void Add(string measure, decimal? value)
    {
        if (value is { } v)
        {
            sums[measure] = sums.GetValueOrDefault(measure) + v;
        }

        Present.Add(measure);
    }

    public void AddAll(MeasureBag other)
    {
        foreach (var measure in other.Present)
        {
            Add(measure, other.Known(measure) ? other[measure] : null);
        }
    }
}

/// <summary>
/// Recomputes every base measure and every KPI of mart.kpi_values from the sandbox world's facts and the test's CSV
/// rows, following SEMANTICS.md and the product owner's KPI definitions — written out here on its own, without the
/// warehouse's SQL, staging tables or the catalog's formula terms.
/// </summary>
public sealed class ReferenceKpis
{
    public const string All = "All";
    public const decimal GrossMargin = 0.6m;
    public static readonly string[] Grains = ["day", "week", "month", "quarter"];
    public static readonly string[] SegmentTypes = ["all", "channel", "campaign", "device", "country"];

    /// <summary>The seeded dw.channel_mapping rows (HubSpot original source and cost-file channel → channel).</summary>
    private static readonly Dictionary<string, string> HubSpotChannels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ORGANIC_SEARCH"] = "Organic Search", ["PAID_SEARCH"] = "Paid Search", ["PAID_SOCIAL"] = "Paid Social",
        ["SOCIAL_MEDIA"] = "Organic Social", ["EMAIL_MARKETING"] = "Email", ["REFERRALS"] = "Referral", ["AI_REFERRALS"] = "Referral",
        ["DIRECT_TRAFFIC"] = "Direct", ["OTHER_CAMPAIGNS"] = "Other", ["OFFLINE"] = "Offline",
    };

    public static readonly IReadOnlyDictionary<string, string> FileChannels = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["podcast"] = "Audio", ["radio"] = "Audio", ["print"] = "Offline", ["events"] = "Offline", ["influencer"] = "Organic Social",
        ["email"] = "Email", ["google_ads"] = "Paid Search", ["linkedin_ads"] = "Paid Social",
    };

    /// <summary>Meta ISO codes the sandbox uses, with the English names GA4 reports.</summary>
    private static readonly Dictionary<string, string> Countries = new(StringComparer.Ordinal)
    {
        ["DE"] = "Germany", ["AT"] = "Austria", ["CH"] = "Switzerland", ["NL"] = "Netherlands", ["US"] = "United States", ["CA"] = "Canada", ["GB"] = "United Kingdom",
    };

    private static readonly HashSet<string> NotCampaigns = new(StringComparer.Ordinal) { "(direct)", "(organic)", "(referral)", "(not set)", "(none)", "" };

    private static readonly HashSet<string> LeadOrLater = new(StringComparer.Ordinal)
        { "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer", "evangelist" };

    private static readonly string[] Delivered = ["emails_sent", "hard_bounces", "soft_bounces"];

    /// <summary>
    /// The measures each side of a KPI reads. A segment has the KPI when any of them has a fact there; a side none of
    /// whose measures has a (known) fact is unknown, NULL — no spend data is not zero spend.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, KpiInputs> Inputs = new Dictionary<string, KpiInputs>(StringComparer.Ordinal)
    {
        ["sessions"] = new(["sessions"]),
        ["impressions"] = new(["impressions"]),
        ["list_growth"] = new(["list_subs", "list_other_adds", "list_unsubs", "list_other_removes", "list_cleaned"]),
        ["ctr"] = new(["link_clicks"], ["impressions"]),
        ["cpc"] = new(["ad_spend"], ["link_clicks"]),
        ["cpm"] = new(["ad_spend"], ["impressions"]),
        ["engagement_rate"] = new(["engaged_sessions"], ["sessions"]),
        ["bounce_rate"] = new(["engaged_sessions"], ["sessions"]),
        ["pages_per_session"] = new(["screen_page_views"], ["sessions"]),
        ["avg_session_duration"] = new(["engagement_seconds"], ["sessions"]),
        ["email_open_rate"] = new(["unique_opens"], Delivered),
        ["email_open_rate_human"] = new(["human_unique_opens"], ["human_open_delivered"]),
        ["email_click_rate"] = new(["unique_subscriber_clicks"], Delivered),
        ["email_click_to_open_rate"] = new(["unique_subscriber_clicks"], ["unique_opens"]),
        ["email_unsubscribe_rate"] = new(["unsubscribed"], Delivered),
        ["email_bounce_rate"] = new(["hard_bounces", "soft_bounces"], ["emails_sent"]),
        ["leads"] = new(["leads"]),
        ["mqls"] = new(["mqls"]),
        ["sqls"] = new(["sqls"]),
        ["web_conversion_rate"] = new(["key_events"], ["sessions"]),
        ["ad_conversion_rate"] = new(["ad_conversions"], ["link_clicks"]),
        ["cpl"] = new(["ad_spend", "other_marketing_cost"], ["leads"]),
        ["cpl_paid"] = new(["ad_spend", "other_marketing_cost"], ["leads_costed"]),
        ["cpa"] = new(["ad_spend"], ["ad_conversions"]),
        ["new_customers"] = new(["new_customers"]),
        ["cac"] = new(["ad_spend", "other_marketing_cost"], ["new_customers"]),
        ["cac_paid"] = new(["ad_spend", "other_marketing_cost"], ["new_customers_costed"]),
        ["revenue"] = new(["won_revenue"]),
        ["aov"] = new(["won_revenue"], ["won_deals"]),
        ["roas"] = new(["won_revenue"], ["ad_spend", "other_marketing_cost"]),
        ["roas_paid"] = new(["won_revenue_costed"], ["ad_spend", "other_marketing_cost"]),
        ["roas_platform"] = new(["ad_conversion_value"], ["ad_spend"]),
        ["roi"] = new(["won_revenue", "ad_spend", "other_marketing_cost"], ["ad_spend", "other_marketing_cost"]),
        ["roi_paid"] = new(["won_revenue_costed", "ad_spend", "other_marketing_cost"], ["ad_spend", "other_marketing_cost"]),
        ["romi"] = new(["won_revenue", "ad_spend", "other_marketing_cost"], ["ad_spend", "other_marketing_cost"]),
        ["win_rate"] = new(["won_deals"], ["closed_deals"]),
        ["sales_cycle_days"] = new(["won_deal_cycle_days"], ["won_deals"]),
        ["deals_created"] = new(["deals_created"]),
        ["nps"] = new(["nps_net"], ["nps_responses"]),
    };

    private readonly Dictionary<(DateOnly Date, string Type, string Segment), MeasureBag> daily = [];
    private readonly Dictionary<KpiKey, KpiRow> rows = [];
    private readonly Dictionary<string, Dictionary<(DateOnly Start, string Type, string Segment), MeasureBag>> periodBags = new(StringComparer.Ordinal);

    public ReferenceKpis(GroundTruth truth, WorldOptions world, TestFiles files, DateOnly firstListActivityDay, SandboxWorld sandbox)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(files);
        Fx = new FxTable(files.FxRates, "EUR");
        Coverage = new CoverageReference(truth, world, sandbox, files, Fx, firstListActivityDay, CoverageReference.ReportingToday());
        AddWeb(truth, world);
        AddAds(truth, world);
        AddGoogleAds(truth, world);
        AddEmail(truth, firstListActivityDay);
        AddCrm(truth);
        AddFiles(files);
        Users = BuildUsers(truth, world);
        foreach (var grain in Grains)
        {
            var periods = new Dictionary<(DateOnly Start, string Type, string Segment), MeasureBag>();
            var byClass = new Dictionary<(DateOnly Start, string Type, string Segment), Dictionary<string, MeasureBag>>();
            periodBags[grain] = periods;
            foreach (var ((date, type, segment), bag) in daily)
            {
                var key = (PeriodStart(grain, date), type, segment);
                if (!periods.TryGetValue(key, out var sum))
                {
                    sum = new MeasureBag();
                    periods[key] = sum;
                    byClass[key] = new Dictionary<string, MeasureBag>(StringComparer.Ordinal);
                }

                sum.AddAll(bag);
                var uncovered = UncoveredOn(date);
                if (!byClass[key].TryGetValue(uncovered, out var part))
                {
                    part = new MeasureBag();
                    byClass[key][uncovered] = part;
                }

                part.AddAll(bag);
            }

            foreach (var ((start, type, segment), bag) in periods)
            {
                foreach (var kpi in Inputs.Keys)
                {
                    if (Aligned(kpi, type, segment, bag, byClass[(start, type, segment)]) is { } row)
                    {
                        rows[new KpiKey(kpi, grain, start, type, segment)] = row;
                    }
                }

                // Share of the channel in all sessions of the same period.
                if (type == "channel" && bag.Present.Contains("sessions"))
                {
                    var total = periods[(start, "all", All)]["sessions"];
                    rows[new KpiKey("channel_session_share", grain, start, type, segment)] = Share(bag["sessions"], total);
                }
            }
        }

        foreach (var ((date, channel), counts) in Users)
        {
            rows[new KpiKey("users", "day", date, "channel", channel)] = new KpiRow(counts.TotalUsers, null, counts.TotalUsers);
            rows[new KpiKey("new_users", "day", date, "channel", channel)] = new KpiRow(counts.NewUsers, null, counts.NewUsers);
        }
    }

    public FxTable Fx { get; }

    /// <summary>Coverage, finality and cost scope of the same world (CoverageReference.cs).</summary>
    public CoverageReference Coverage { get; }

    /// <summary>The seeded HubSpot mapping's channels: CRM revenue can be attributed to each.</summary>
    public static IEnumerable<string> SeededHubSpotChannels => HubSpotChannels.Values.Distinct(StringComparer.Ordinal);

    /// <summary>Every expected row of mart.kpi_values.</summary>
    public IReadOnlyDictionary<KpiKey, KpiRow> Rows => rows;

    /// <summary>GA4 distinct users per day × default channel group, as GA4 counted them.</summary>
    public IReadOnlyDictionary<(DateOnly Date, string Channel), Ga4UserCounts> Users { get; }

    /// <summary>Base measures summed per period of a grain and segment (what mart.kpi_measures holds).</summary>
    public IReadOnlyDictionary<(DateOnly Start, string Type, string Segment), MeasureBag> Measures(string grain) => periodBags[grain];

    /// <summary>Every additive and ratio KPI over an inclusive date range, per segment (what mart.kpi_over_range returns).</summary>
    public IReadOnlyDictionary<(string Kpi, string Type, string Segment), KpiRow> OverRange(DateOnly from, DateOnly to)
    {
        var bags = new Dictionary<(string Type, string Segment), MeasureBag>();
        var byClass = new Dictionary<(string Type, string Segment), Dictionary<string, MeasureBag>>();
        foreach (var ((date, type, segment), bag) in daily)
        {
            if (date < from || date > to)
            {
                continue;
            }

            if (!bags.TryGetValue((type, segment), out var sum))
            {
                sum = new MeasureBag();
                bags[(type, segment)] = sum;
                byClass[(type, segment)] = new Dictionary<string, MeasureBag>(StringComparer.Ordinal);
            }

            sum.AddAll(bag);
            var uncovered = UncoveredOn(date);
            if (!byClass[(type, segment)].TryGetValue(uncovered, out var part))
            {
                part = new MeasureBag();
                byClass[(type, segment)][uncovered] = part;
            }

            part.AddAll(bag);
        }

        var result = new Dictionary<(string, string, string), KpiRow>();
        foreach (var ((type, segment), bag) in bags)
        {
            foreach (var kpi in Inputs.Keys)
            {
                if (Aligned(kpi, type, segment, bag, byClass[(type, segment)]) is { } row)
                {
                    result[(kpi, type, segment)] = row;
                }
            }
        }

        return result;
    }

    public static DateOnly PeriodStart(string grain, DateOnly date) => grain switch
    {
        "day" => date,
        "week" => date.AddDays(-(((int)date.DayOfWeek + 6) % 7)),
        "month" => new DateOnly(date.Year, date.Month, 1),
        "quarter" => new DateOnly(date.Year, (((date.Month - 1) / 3) * 3) + 1, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(grain), grain, "day, week or month"),
    };

    public static DateOnly PeriodEnd(string grain, DateOnly start) => grain switch
    {
        "day" => start,
        "week" => start.AddDays(6),
        "month" => start.AddMonths(1).AddDays(-1),
        _ => start.AddMonths(3).AddDays(-1),
    };

    /// <summary>
    /// Each KPI's own formula over summed base measures (kpi-definitions.md): null when none of its inputs has a fact.
    /// Ratios divide sums and are NULL on a zero or unknown denominator; counts and sums have no denominator.
    /// </summary>
    public static KpiRow? Compute(string kpi, MeasureBag m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var inputs = Inputs[kpi];
        if (!inputs.Numerator.Concat(inputs.Denominator).Any(m.Present.Contains))
        {
            return null;
        }

        var delivered = m["emails_sent"] - m["hard_bounces"] - m["soft_bounces"];
        var marketingCost = m["ad_spend"] + m["other_marketing_cost"];
        var (numerator, denominator, scale, complement) = kpi switch
        {
            "sessions" => Sum(m["sessions"]),
            "impressions" => Sum(m["impressions"]),
            "list_growth" => Sum(m["list_subs"] + m["list_other_adds"] - m["list_unsubs"] - m["list_other_removes"] - m["list_cleaned"]),
            "ctr" => Ratio(m["link_clicks"], m["impressions"]),
            "cpc" => Ratio(m["ad_spend"], m["link_clicks"]),
            "cpm" => Ratio(m["ad_spend"], m["impressions"], scale: 1000m),
            "engagement_rate" => Ratio(m["engaged_sessions"], m["sessions"]),
            "bounce_rate" => Ratio(m["engaged_sessions"], m["sessions"], oneMinus: true),
            "pages_per_session" => Ratio(m["screen_page_views"], m["sessions"]),
            "avg_session_duration" => Ratio(m["engagement_seconds"], m["sessions"]),
            "email_open_rate" => Ratio(m["unique_opens"], delivered),
            "email_open_rate_human" => Ratio(m["human_unique_opens"], m["human_open_delivered"]),
            "email_click_rate" => Ratio(m["unique_subscriber_clicks"], delivered),
            "email_click_to_open_rate" => Ratio(m["unique_subscriber_clicks"], m["unique_opens"]),
            "email_unsubscribe_rate" => Ratio(m["unsubscribed"], delivered),
            "email_bounce_rate" => Ratio(m["hard_bounces"] + m["soft_bounces"], m["emails_sent"]),
            "leads" => Sum(m["leads"]),
            "mqls" => Sum(m["mqls"]),
            "sqls" => Sum(m["sqls"]),
            "web_conversion_rate" => Ratio(m["key_events"], m["sessions"]),
            "ad_conversion_rate" => Ratio(m["ad_conversions"], m["link_clicks"]),
            "cpl" => Ratio(marketingCost, m["leads"]),
            "cpl_paid" => Ratio(marketingCost, m["leads_costed"]),
            "cpa" => Ratio(m["ad_spend"], m["ad_conversions"]),
            "new_customers" => Sum(m["new_customers"]),
            "cac" => Ratio(marketingCost, m["new_customers"]),
            "cac_paid" => Ratio(marketingCost, m["new_customers_costed"]),
            "revenue" => Sum(m["won_revenue"]),
            "aov" => Ratio(m["won_revenue"], m["won_deals"]),
            "roas" => Ratio(m["won_revenue"], marketingCost),
            "roas_paid" => Ratio(m["won_revenue_costed"], marketingCost),
            "roas_platform" => Ratio(m["ad_conversion_value"], m["ad_spend"]),
            "roi" => Ratio(m["won_revenue"] - marketingCost, marketingCost),
            "roi_paid" => Ratio(m["won_revenue_costed"] - marketingCost, marketingCost),
            "romi" => Ratio((m["won_revenue"] * GrossMargin) - marketingCost, marketingCost),
            "win_rate" => Ratio(m["won_deals"], m["closed_deals"]),
            "sales_cycle_days" => Ratio(m["won_deal_cycle_days"], m["won_deals"]),
            "deals_created" => Sum(m["deals_created"]),
            "nps" => Ratio(m["nps_net"], m["nps_responses"], scale: 100m),
            _ => throw new ArgumentOutOfRangeException(nameof(kpi), kpi, "no reference formula"),
        };

        decimal? num = inputs.Numerator.Any(m.Known) ? numerator : null;
        if (denominator is null)
        {
            return new KpiRow(num, null, num is { } n ? (double)(n * scale) : null);
        }

        decimal? den = inputs.Denominator.Any(m.Known) ? denominator : null;
        double? value = num is not { } x || den is not { } y || y == 0 ? null
            : complement ? (double)(1 - (x / y)) : (double)(scale * x / y);
        return new KpiRow(num, den, value);
    }

    /// <summary>
    /// A KPI over a period: sums over every day; ratios over the days that cover the KPI only (aligned), the row there
    /// when any input has a fact in the period; blended and paid cost KPIs of a channel without a cost source or
    /// attributable revenue have no value.
    /// </summary>
    private KpiRow? Aligned(string kpi, string type, string segment, MeasureBag all, Dictionary<string, MeasureBag> byUncovered)
    {
        if (Compute(kpi, all) is not { } full)
        {
            return null;
        }

        var row = full;
        if (Inputs[kpi].Denominator.Length > 0)
        {
            var aligned = new MeasureBag();
            foreach (var (uncovered, part) in byUncovered)
            {
                if (!uncovered.Split(',').Contains(kpi))
                {
                    aligned.AddAll(part);
                }
            }

            row = Compute(kpi, aligned) ?? new KpiRow(null, null, null);
        }

        return Coverage.ScopeUnknown(kpi, type, segment) ? row with { Value = null } : row;
    }

    private readonly Dictionary<DateOnly, string> uncoveredOn = [];

    private string UncoveredOn(DateOnly day)
    {
        if (!uncoveredOn.TryGetValue(day, out var set))
        {
            set = Coverage.UncoveredOn(day);
            uncoveredOn[day] = set;
        }

        return set;
    }

    private static (decimal, decimal?, decimal, bool) Sum(decimal value) => (value, null, 1m, false);

    private static (decimal, decimal?, decimal, bool) Ratio(decimal numerator, decimal denominator, decimal scale = 1m, bool oneMinus = false) =>
        (numerator, denominator, scale, oneMinus);

    private static KpiRow Share(decimal numerator, decimal denominator) =>
        new(numerator, denominator, denominator == 0 ? null : (double)(numerator / denominator));

    private void Add(DateOnly date, IEnumerable<(string Type, string? Segment)> segments, string measure, decimal? value)
    {
        foreach (var (type, segment) in segments)
        {
            if (segment is null)
            {
                continue;
            }

            if (!daily.TryGetValue((date, type, segment), out var bag))
            {
                bag = new MeasureBag();
                daily[(date, type, segment)] = bag;
            }

            bag.Add(measure, value);
        }
    }

    /// <summary>Segments of a row that splits by channel and campaign only (ads, email, CRM, costs).</summary>
    private static (string, string?)[] Total(string channel, string? campaign) => [("all", All), ("channel", channel), ("campaign", campaign)];

    private void AddWeb(GroundTruth truth, WorldOptions world)
    {
        for (var d = world.StartDate; d <= world.EndDate; d = d.AddDays(1))
        {
            foreach (var s in truth.Ga4Segments(d))
            {
                // No ga4 rows in the seeded mapping: GA4 keeps its default channel group.
                var campaign = NotCampaigns.Contains(s.Campaign) ? null : s.Campaign;
                var device = s.Device.ToLowerInvariant() is "desktop" or "mobile" or "tablet" ? s.Device.ToLowerInvariant() : "other";
                (string, string?)[] segments = [("all", All), ("channel", s.Channel), ("campaign", campaign), ("device", device), ("country", s.Country)];
                Add(d, segments, "sessions", s.Sessions);
                Add(d, segments, "engaged_sessions", s.EngagedSessions);
                Add(d, segments, "screen_page_views", s.ScreenPageViews);
                Add(d, segments, "engagement_seconds", s.UserEngagementSeconds);
                Add(d, segments, "key_events", s.KeyEvents);
            }
        }
    }

    private void AddAds(GroundTruth truth, WorldOptions world)
    {
        var currencies = truth.MetaAccounts.ToDictionary(a => a.AccountId, a => a.Currency, StringComparer.Ordinal);
        for (var d = world.StartDate; d <= world.EndDate; d = d.AddDays(1))
        {
            foreach (var f in truth.MetaAdDays(d))
            {
                AddDelivery(d, Total("Paid Social", f.CampaignName), f.Delivery, Fx.Rate(currencies[f.AccountId], d));
            }

            // Country and device figures come only from Meta's breakdowns, and count only in their own family.
            foreach (var split in truth.MetaAdDayBreakdown(d, "country"))
            {
                AddDelivery(d, [("country", Countries.GetValueOrDefault(split.Value, split.Value))], split.Fact.Delivery, Fx.Rate(currencies[split.Fact.AccountId], d));
            }

            foreach (var split in truth.MetaAdDayBreakdown(d, "device_platform"))
            {
                var device = split.Value switch { "mobile_app" or "mobile_web" => "mobile", "desktop" => "desktop", _ => "other" };
                AddDelivery(d, [("device", device)], split.Fact.Delivery, Fx.Rate(currencies[split.Fact.AccountId], d));
            }
        }
    }

    /// <summary>
    /// Google Ads as the linked GA4 property reports it: Paid Search impressions, clicks and cost by campaign, and, set
    /// against that cost, the transactions and purchase revenue GA4 gives its google / cpc sessions.
    /// </summary>
    private void AddGoogleAds(GroundTruth truth, WorldOptions world)
    {
        if (!truth.GoogleAdsLinked)
        {
            return;
        }

        for (var d = world.StartDate; d <= world.EndDate; d = d.AddDays(1))
        {
            var rate = Fx.Rate(truth.Ga4Property.Currency, d);
            foreach (var day in truth.GoogleAdsDays(d))
            {
                var segments = Total("Paid Search", day.Campaign.Name);
                Add(d, segments, "impressions", day.Impressions);
                Add(d, segments, "link_clicks", day.Clicks);
                Add(d, segments, "ad_spend", day.CostCents / 100m * rate);
            }

            foreach (var s in truth.Ga4Segments(d).Where(s => s.Source == "google" && s.Medium == "cpc"))
            {
                var segments = Total(s.Channel, NotCampaigns.Contains(s.Campaign) ? null : s.Campaign);
                Add(d, segments, "ad_conversions", s.Transactions);
                Add(d, segments, "ad_conversion_value", s.PurchaseRevenueCents / 100m * rate);
            }
        }
    }

    private void AddDelivery(DateOnly d, (string, string?)[] segments, MetaAdDay delivery, decimal? rate)
    {
        Add(d, segments, "impressions", delivery.Impressions);
        Add(d, segments, "link_clicks", delivery.LinkClicks);
        Add(d, segments, "ad_leads", delivery.Leads7dClick + delivery.Leads1dView);
        Add(d, segments, "ad_conversions", delivery.Purchases7dClick + delivery.Purchases1dView);
        Add(d, segments, "ad_spend", delivery.SpendCents / 100m * rate);
        Add(d, segments, "ad_conversion_value", (delivery.PurchaseValueCents7dClick + delivery.PurchaseValueCents1dView) / 100m * rate);
    }

    private void AddEmail(GroundTruth truth, DateOnly firstListActivityDay)
    {
        foreach (var c in truth.MailchimpSentCampaigns())
        {
            var segments = Total("Email", string.IsNullOrEmpty(c.UtmCampaign) ? c.Title : c.UtmCampaign);
            var day = LocalDate(c.SendTime);
            Add(day, segments, "emails_sent", c.Stats.EmailsSent);
            Add(day, segments, "hard_bounces", c.Stats.HardBounces);
            Add(day, segments, "soft_bounces", c.Stats.SoftBounces);
            Add(day, segments, "unique_opens", c.Stats.UniqueOpens);
            if (c.Stats.ProxyExcludedUniqueOpens is { } humanOpens)
            {
                // Only campaigns that report opens without machine opens count on either side of the human open rate.
                Add(day, segments, "human_unique_opens", humanOpens);
                Add(day, segments, "human_open_delivered", c.Stats.EmailsSent - c.Stats.HardBounces - c.Stats.SoftBounces);
            }

            Add(day, segments, "unique_subscriber_clicks", c.Stats.UniqueSubscriberClicks);
            Add(day, segments, "unsubscribed", c.Stats.Unsubscribed);
        }

        // List activity has no campaign: it counts for all and the Email channel.
        (string, string?)[] list = [("all", All), ("channel", "Email")];
        foreach (var l in truth.MailchimpLists)
        {
            foreach (var a in truth.MailchimpListActivity(l.Id).Where(a => a.Day >= firstListActivityDay))
            {
                Add(a.Day, list, "list_subs", a.Subs);
                Add(a.Day, list, "list_other_adds", a.OtherAdds);
                Add(a.Day, list, "list_unsubs", a.Unsubs);
                Add(a.Day, list, "list_other_removes", a.OtherRemoves);
            }

            foreach (var m in truth.MailchimpMembers(l.Id).Where(m => m.Status == "cleaned"))
            {
                Add(LocalDate(m.LastChanged), list, "list_cleaned", 1);
            }
        }
    }

    private void AddCrm(GroundTruth truth)
    {
        foreach (var c in truth.HubSpotContacts().Where(c => !c.Archived))
        {
            var segments = Total(HubSpotChannel(c.OriginalSource), string.IsNullOrEmpty(c.SourceDrillDown2) ? null : c.SourceDrillDown2);
            var leadAt = c.LeadDate ?? (c.LifecycleStage is { } stage && LeadOrLater.Contains(stage) ? c.CreateDate : null);
            if (leadAt is { } lead)
            {
                Add(LocalDate(lead), segments, "leads", 1);
                if (Coverage.CostChannels.Contains(HubSpotChannel(c.OriginalSource)))
                {
                    Add(LocalDate(lead), segments, "leads_costed", 1);
                }
            }

            if (c.MqlDate is { } mql)
            {
                Add(LocalDate(mql), segments, "mqls", 1);
            }

            if (c.SqlDate is { } sql)
            {
                Add(LocalDate(sql), segments, "sqls", 1);
            }
        }

        var deals = truth.HubSpotDealFacts().Where(d => !d.Archived).ToList();
        var won = new List<(string Customer, DateOnly Closed, long DealId, string Channel, decimal Revenue)>();
        foreach (var d in deals)
        {
            var channel = HubSpotChannel(d.OriginalSource);
            var segments = Total(channel, null);
            var created = LocalDate(d.CreateDate);
            Add(created, segments, "deals_created", 1);
            if (!d.IsClosed || d.CloseDate is not { } closeAt)
            {
                continue;
            }

            var closed = LocalDate(closeAt);
            Add(closed, segments, "closed_deals", 1);
            var amount = d.IsWon ? (d.Amount ?? 0) * Fx.Rate(d.Currency ?? "EUR", closed) : 0;
            if (amount is not { } revenue)
            {
                throw new InvalidOperationException($"deal {d.Id}: no rate for {d.Currency}");
            }

            Add(closed, segments, "won_deals", d.IsWon ? 1 : 0);
            Add(closed, segments, "won_revenue", revenue);
            Add(closed, segments, "margin_revenue", revenue * GrossMargin);
            if (Coverage.CostChannels.Contains(channel))
            {
                Add(closed, segments, "won_revenue_costed", revenue);
                Add(closed, segments, "margin_revenue_costed", revenue * GrossMargin);
            }
            Add(closed, segments, "won_deal_cycle_days", d.IsWon ? closed.DayNumber - created.DayNumber : 0);
            if (d.IsWon)
            {
                var customer = d.CompanyIds.Count > 0 ? "company:" + d.CompanyIds[0] : d.ContactIds.Count > 0 ? "contact:" + d.ContactIds[0] : "deal:" + d.Id;
                won.Add((customer, closed, d.Id, channel, revenue));
            }
        }

        // A customer is new on the day of its first won deal, in that deal's channel.
        foreach (var first in won.GroupBy(w => w.Customer).Select(g => g.OrderBy(w => w.Closed).ThenBy(w => w.DealId).First()))
        {
            Add(first.Closed, Total(first.Channel, null), "new_customers", 1);
            if (Coverage.CostChannels.Contains(first.Channel))
            {
                Add(first.Closed, Total(first.Channel, null), "new_customers_costed", 1);
            }
        }

        Customers = won.GroupBy(w => w.Customer, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<(DateOnly Closed, long DealId, string Channel, decimal Revenue)>)g
                .OrderBy(w => w.Closed).ThenBy(w => w.DealId)
                .Select(w => (w.Closed, w.DealId, w.Channel, w.Revenue))
                .ToList(), StringComparer.Ordinal);
    }

    /// <summary>Won deals per customer key (first company, else contact, else deal), in order of close (day, deal id), revenue in EUR.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(DateOnly Closed, long DealId, string Channel, decimal Revenue)>> Customers { get; private set; } =
        new Dictionary<string, IReadOnlyList<(DateOnly, long, string, decimal)>>();

    private void AddFiles(TestFiles files)
    {
        foreach (var c in files.Costs)
        {
            // No rate at all: the cost is there but unknown in EUR, so it drops out of every sum.
            var rate = Fx.Rate(c.Currency, c.Date);
            var channel = FileChannels.GetValueOrDefault(c.Channel) ?? "Unassigned";
            Add(c.Date, Total(channel, c.Campaign.Length == 0 ? null : c.Campaign), "other_marketing_cost", c.Cost * rate);
        }

        foreach (var r in files.Nps)
        {
            (string, string?)[] all = [("all", All)];
            Add(r.Date, all, "nps_net", r.Score >= 9 ? 1 : r.Score >= 7 ? 0 : -1);
            Add(r.Date, all, "nps_responses", 1);
        }
    }

    private static Dictionary<(DateOnly, string), Ga4UserCounts> BuildUsers(GroundTruth truth, WorldOptions world)
    {
        var result = new Dictionary<(DateOnly, string), Ga4UserCounts>();
        for (var d = world.StartDate; d <= world.EndDate; d = d.AddDays(1))
        {
            foreach (var (channel, counts) in truth.Ga4UsersByChannel(d))
            {
                result[(d, channel)] = counts;
            }
        }

        return result;
    }

    public static string HubSpotChannel(string? source) =>
        source is not null && HubSpotChannels.TryGetValue(source, out var channel) ? channel : "Unassigned";

    public static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    /// <summary>A CRM or Mailchimp instant as a date in the reporting time zone.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Berlin).DateTime);
}

/// <summary>fx_rates.csv as the reference reads it: the last rate on or before the day, else the earliest; EUR is 1.</summary>
public sealed class FxTable(IEnumerable<FxRateRow> rates, string reportingCurrency)
{
    private readonly Dictionary<string, List<FxRateRow>> byCurrency = rates
        .GroupBy(r => r.Currency, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.OrderBy(r => r.Date).ToList(), StringComparer.Ordinal);

    public decimal? Rate(string currency, DateOnly day)
    {
        if (currency == reportingCurrency)
        {
            return 1m;
        }

        if (!byCurrency.TryGetValue(currency, out var list))
        {
            return null;
        }

        return list.LastOrDefault(r => r.Date <= day)?.Rate ?? list[0].Rate;
    }
}

/// <summary>The measures a KPI's numerator and denominator read (no denominator: a count or a sum).</summary>
public sealed record KpiInputs(string[] Numerator, string[] Denominator)
{
    public KpiInputs(string[] numerator)
        : this(numerator, [])
    {
    }
}
