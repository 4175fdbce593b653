namespace Pipeline.Warehouse.Kpi;

/// <summary>One row of <c>dw.measure_sources</c>: a stream a base measure is read from, and whether it is money.</summary>
public sealed record MeasureSource(string Measure, string Source, string Stream, bool IsMoney);

/// <summary>
/// Which source streams each base measure of <see cref="KpiCatalog.BaseMeasures"/> is read from. A KPI's day is
/// covered when every stream its terms need (of those ever synced) was loaded that day; money measures also need an
/// FX rate for every currency they occur in that day. Published as <c>dw.measure_sources</c>.
/// </summary>
public static class KpiMeasureSources
{
    private const string Ga4Traffic = "ga4:traffic_daily";
    private const string Ga4GoogleAds = "ga4:google_ads_daily";
    private const string MetaInsights = "meta:insights_daily";
    private const string CampaignReports = "mailchimp:campaign_reports";
    private const string ListActivity = "mailchimp:list_activity_daily";
    private const string Contacts = "hubspot:contacts";
    private const string Deals = "hubspot:deals";
    private const string CostFiles = "files:marketing_costs";
    private const string Nps = "files:nps_responses";

    /// <summary>Money measures: a day with a currency without any FX rate is not covered for them.</summary>
    public static IReadOnlySet<string> Money { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "ad_spend", "ad_conversion_value", "other_marketing_cost", "won_revenue", "margin_revenue", "won_revenue_costed", "margin_revenue_costed",
    };

    private static readonly Dictionary<string, string[]> Streams = new(StringComparer.Ordinal)
    {
        ["sessions"] = [Ga4Traffic],
        ["engaged_sessions"] = [Ga4Traffic],
        ["screen_page_views"] = [Ga4Traffic],
        ["engagement_seconds"] = [Ga4Traffic],
        ["key_events"] = [Ga4Traffic],
        ["total_users"] = ["ga4:users_daily"],
        ["new_users"] = ["ga4:users_daily"],
        ["impressions"] = [MetaInsights, Ga4GoogleAds],
        ["reach"] = [MetaInsights],
        ["link_clicks"] = [MetaInsights, Ga4GoogleAds],
        ["ad_spend"] = [MetaInsights, Ga4GoogleAds],
        ["ad_leads"] = [MetaInsights],
        // Google Ads conversions and value are GA4's google / cpc transactions.
        ["ad_conversions"] = [MetaInsights, Ga4Traffic],
        ["ad_conversion_value"] = [MetaInsights, Ga4Traffic],
        ["other_marketing_cost"] = [CostFiles],
        ["emails_sent"] = [CampaignReports],
        ["hard_bounces"] = [CampaignReports],
        ["soft_bounces"] = [CampaignReports],
        ["unique_opens"] = [CampaignReports],
        ["human_unique_opens"] = [CampaignReports],
        ["human_open_delivered"] = [CampaignReports],
        ["unique_subscriber_clicks"] = [CampaignReports],
        ["unsubscribed"] = [CampaignReports],
        ["list_subs"] = [ListActivity],
        ["list_other_adds"] = [ListActivity],
        ["list_unsubs"] = [ListActivity],
        ["list_other_removes"] = [ListActivity],
        ["list_cleaned"] = [ListActivity],
        ["leads"] = [Contacts],
        ["leads_costed"] = [Contacts],
        ["mqls"] = [Contacts],
        ["sqls"] = [Contacts],
        ["new_customers"] = [Deals],
        ["new_customers_costed"] = [Deals],
        ["deals_created"] = [Deals],
        ["closed_deals"] = [Deals],
        ["won_deals"] = [Deals],
        ["won_revenue"] = [Deals],
        ["won_revenue_costed"] = [Deals],
        ["margin_revenue"] = [Deals],
        ["margin_revenue_costed"] = [Deals],
        ["won_deal_cycle_days"] = [Deals],
        ["nps_net"] = [Nps],
        ["nps_responses"] = [Nps],
    };

    /// <summary>
    /// Days a stream may still restate that its definition does not state as a lookback: Mailchimp keeps counting
    /// opens and clicks of a campaign for about 30 days after it was sent (the campaign reports are entities).
    /// </summary>
    public static IReadOnlyDictionary<(string Source, string Stream), int> RestatementDays { get; } = new Dictionary<(string, string), int>
    {
        [("mailchimp", "campaign_reports")] = 30,
    };

    /// <summary>Every measure × stream, in measure order.</summary>
    public static IReadOnlyList<MeasureSource> All() =>
        [.. Streams.OrderBy(s => s.Key, StringComparer.Ordinal)
            .SelectMany(s => s.Value.Select(v => v.Split(':')).Select(v => new MeasureSource(s.Key, v[0], v[1], Money.Contains(s.Key))))];

    public const string Description =
        "Generated from the KPI catalog: the source streams each base measure is read from, and whether it is money (needs an FX rate).";
}
