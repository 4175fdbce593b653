using static Pipeline.Warehouse.Kpi.Audience;

namespace Pipeline.Warehouse.Kpi;

/// <summary>
/// Every KPI of the product brief, each defined once. Sums and ratios name the base measures they are built from
/// (<see cref="BaseMeasures"/>); the mart computes them by summing numerator and denominator at the query grain
/// and dividing, never by averaging ratios. The rest are computed by dedicated views and say so.
/// </summary>
public static class KpiCatalog
{
    /// <summary>The base measures KPIs are built from, with what each one counts.</summary>
    public static IReadOnlyDictionary<string, string> BaseMeasures { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["sessions"] = "GA4 sessions",
        ["engaged_sessions"] = "GA4 engaged sessions",
        ["screen_page_views"] = "GA4 page and screen views",
        ["engagement_seconds"] = "GA4 user engagement duration, seconds",
        ["key_events"] = "GA4 key events (conversions)",
        ["total_users"] = "GA4 distinct users at the fetched grain (non-additive)",
        ["new_users"] = "GA4 new users at the fetched grain (non-additive)",
        ["impressions"] = "ad impressions (Meta; Google Ads as GA4 reports it)",
        ["reach"] = "ad reach at the fetched level and window (non-additive)",
        ["link_clicks"] = "ad link clicks (Meta inline_link_clicks; Google Ads clicks as GA4 reports them)",
        ["ad_spend"] = "ad spend (Meta; Google Ads cost as GA4 reports it), reporting currency",
        ["ad_leads"] = "leads attributed by the ad platform",
        ["ad_conversions"] = "purchases attributed by the ad platform (Meta), or by GA4 to Google Ads sessions (google / cpc transactions)",
        ["ad_conversion_value"] = "purchase value attributed by the ad platform (Meta), or by GA4 to Google Ads sessions (google / cpc purchase revenue), reporting currency",
        ["other_marketing_cost"] = "marketing cost outside ad platforms (cost files), reporting currency",
        ["emails_sent"] = "campaign emails sent",
        ["hard_bounces"] = "hard bounces",
        ["soft_bounces"] = "soft bounces",
        ["unique_opens"] = "unique opens",
        ["human_unique_opens"] = "unique opens excluding Apple Mail Privacy Protection machine opens (Mailchimp proxy_excluded_unique_opens)",
        ["human_open_delivered"] = "delivered emails (sent − hard − soft bounces) of the campaigns that report opens excluding machine opens",
        ["unique_subscriber_clicks"] = "unique subscriber clicks",
        ["unsubscribed"] = "unsubscribes from campaigns",
        ["list_subs"] = "list subscriptions",
        ["list_other_adds"] = "list members added otherwise (imports, API)",
        ["list_unsubs"] = "list unsubscriptions",
        ["list_other_removes"] = "list members removed otherwise",
        ["list_cleaned"] = "list members cleaned (bounced addresses)",
        ["leads"] = "CRM contacts whose lead date falls in the period",
        ["leads_costed"] = "leads of channels with a cost source (dw.dim_channel.has_cost_source): the paid scope",
        ["mqls"] = "CRM contacts entering MQL in the period",
        ["sqls"] = "CRM contacts entering SQL in the period",
        ["new_customers"] = "customers whose first won deal falls in the period",
        ["new_customers_costed"] = "new customers acquired through channels with a cost source: the paid scope",
        ["deals_created"] = "deals created",
        ["closed_deals"] = "deals closed (won or lost)",
        ["won_deals"] = "deals won",
        ["won_revenue"] = "amount of won deals, reporting currency",
        ["margin_revenue"] = "won revenue × gross margin (setting), reporting currency",
        ["won_revenue_costed"] = "won revenue of channels with a cost source: the paid scope, reporting currency",
        ["margin_revenue_costed"] = "won revenue of channels with a cost source × gross margin, reporting currency",
        ["won_deal_cycle_days"] = "days from create to close, summed over won deals",
        ["nps_net"] = "+1 per promoter (9–10), −1 per detractor (0–6), 0 per passive",
        ["nps_responses"] = "survey responses",
    };

    public static IReadOnlyList<KpiDefinition> All { get; } =
    [
        // Awareness
        Sum("sessions", "Sessions", FunnelStage.Awareness, "Visits to the site or app.", "Σ sessions", "sessions", BetterWhen.Higher, ["GA4"], Marketing | Specialist, Cadence.Daily, Indicator.Leading),
        Fetched("users", "Users", FunnelStage.Awareness, "Distinct users at the grain GA4 returned them; never summed across days or segments.", "distinct users (GA4 totalUsers)", "total_users", ["GA4"], Specialist),
        Fetched("new_users", "New users", FunnelStage.Awareness, "First-time users at the grain GA4 returned them.", "GA4 newUsers", "new_users", ["GA4"], Marketing | Specialist),
        Sum("impressions", "Impressions", FunnelStage.Awareness, "Times ads were shown.", "Σ impressions", "impressions", BetterWhen.Higher, ["Meta", "GA4"], Specialist, Cadence.Daily, Indicator.Leading),
        Fetched("reach", "Reach", FunnelStage.Awareness, "People who saw an ad, for the exact level and window Meta reported.", "platform reach", "reach", ["Meta"], Specialist) with { View = "mart.ad_reach_daily" },
        Ratio("frequency", "Frequency", FunnelStage.Awareness, "Average times each reached person saw an ad (same level and window as reach).", "impressions / reach",
            MeasureSum.Of("impressions"), MeasureSum.Of("reach"), KpiUnit.Ratio, BetterWhen.Context, ["Meta"], Specialist, Cadence.Weekly, Indicator.Leading) with { Additivity = Additivity.NonAdditive, View = "mart.ad_reach_daily" },
        Dedicated("channel_session_share", "Sessions by channel share", FunnelStage.Awareness, "A channel's part of all sessions.", "Σ sessions(channel) / Σ sessions", KpiUnit.Ratio, BetterWhen.Context, ["GA4"], Executive | Marketing, Cadence.Weekly, Indicator.Leading),
        Sum("list_growth", "List growth", FunnelStage.Awareness, "Net change of email list members.", "subs + other adds − unsubs − other removes − cleaned",
            MeasureSum.Of("list_subs").Plus("list_other_adds").Minus("list_unsubs").Minus("list_other_removes").Minus("list_cleaned"), BetterWhen.Higher, ["Mailchimp"], Specialist, Cadence.Weekly, Indicator.Leading),

        // Consideration
        Ratio("ctr", "CTR", FunnelStage.Consideration, "Share of impressions that led to a link click.", "Σ link clicks / Σ impressions", MeasureSum.Of("link_clicks"), MeasureSum.Of("impressions"), KpiUnit.Ratio, BetterWhen.Higher, ["Meta", "GA4"], Marketing | Specialist, Cadence.Daily, Indicator.Leading),
        Ratio("cpc", "CPC", FunnelStage.Consideration, "Cost of one link click.", "Σ spend / Σ link clicks", MeasureSum.Of("ad_spend"), MeasureSum.Of("link_clicks"), KpiUnit.Currency, BetterWhen.Lower, ["Meta", "GA4"], Marketing | Specialist, Cadence.Daily, Indicator.Leading),
        Ratio("cpm", "CPM", FunnelStage.Consideration, "Cost of a thousand impressions.", "1000 × Σ spend / Σ impressions", MeasureSum.Of("ad_spend"), MeasureSum.Of("impressions"), KpiUnit.Currency, BetterWhen.Lower, ["Meta", "GA4"], Specialist, Cadence.Weekly, Indicator.Leading) with { Scale = 1000m },
        Ratio("engagement_rate", "Engagement rate (web)", FunnelStage.Consideration, "Share of sessions that were engaged.", "Σ engaged sessions / Σ sessions", MeasureSum.Of("engaged_sessions"), MeasureSum.Of("sessions"), KpiUnit.Ratio, BetterWhen.Higher, ["GA4"], Specialist, Cadence.Weekly, Indicator.Leading),
        Ratio("bounce_rate", "Bounce rate (web)", FunnelStage.Consideration, "Share of sessions that were not engaged.", "1 − engagement rate", MeasureSum.Of("engaged_sessions"), MeasureSum.Of("sessions"), KpiUnit.Ratio, BetterWhen.Lower, ["GA4"], Specialist, Cadence.Weekly, Indicator.Leading) with { Complement = true },
        Ratio("pages_per_session", "Pages per session", FunnelStage.Consideration, "Page and screen views per session.", "Σ screen page views / Σ sessions", MeasureSum.Of("screen_page_views"), MeasureSum.Of("sessions"), KpiUnit.Ratio, BetterWhen.Higher, ["GA4"], Specialist, Cadence.Weekly, Indicator.Leading),
        Ratio("avg_session_duration", "Average session duration", FunnelStage.Consideration, "Engaged seconds per session.", "Σ session seconds / Σ sessions", MeasureSum.Of("engagement_seconds"), MeasureSum.Of("sessions"), KpiUnit.Seconds, BetterWhen.Higher, ["GA4"], Specialist, Cadence.Weekly, Indicator.Leading),
        Ratio("email_open_rate", "Email open rate", FunnelStage.Consideration, "Unique opens per delivered email (inflated by Apple Mail Privacy Protection).", "Σ unique opens / Σ (sent − hard − soft bounces)", MeasureSum.Of("unique_opens"), Delivered, KpiUnit.Ratio, BetterWhen.Higher, ["Mailchimp"], Specialist, Cadence.Weekly, Indicator.Leading),
        Ratio("email_open_rate_human", "Email open rate (human)", FunnelStage.Consideration, "Unique opens per delivered email without Apple Mail Privacy Protection machine opens; only campaigns for which Mailchimp reports it.", "Σ unique opens excluding machine opens / Σ delivered of those campaigns", MeasureSum.Of("human_unique_opens"), MeasureSum.Of("human_open_delivered"), KpiUnit.Ratio, BetterWhen.Higher, ["Mailchimp"], Marketing | Specialist, Cadence.Weekly, Indicator.Leading),
        Ratio("email_click_rate", "Email click rate", FunnelStage.Consideration, "Subscribers who clicked per delivered email.", "Σ unique subscriber clicks / Σ delivered", MeasureSum.Of("unique_subscriber_clicks"), Delivered, KpiUnit.Ratio, BetterWhen.Higher, ["Mailchimp"], Marketing | Specialist, Cadence.Weekly, Indicator.Leading),
        Ratio("email_click_to_open_rate", "Click-to-open rate", FunnelStage.Consideration, "Subscribers who clicked per subscriber who opened.", "Σ unique subscriber clicks / Σ unique opens", MeasureSum.Of("unique_subscriber_clicks"), MeasureSum.Of("unique_opens"), KpiUnit.Ratio, BetterWhen.Higher, ["Mailchimp"], Specialist, Cadence.Weekly, Indicator.Leading),
        Ratio("email_unsubscribe_rate", "Unsubscribe rate", FunnelStage.Consideration, "Unsubscribes per delivered email.", "Σ unsubscribed / Σ delivered", MeasureSum.Of("unsubscribed"), Delivered, KpiUnit.Ratio, BetterWhen.Lower, ["Mailchimp"], Specialist, Cadence.Weekly, Indicator.Leading),
        Ratio("email_bounce_rate", "Email bounce rate", FunnelStage.Consideration, "Bounced emails per email sent.", "Σ (hard + soft bounces) / Σ emails sent", MeasureSum.Of("hard_bounces").Plus("soft_bounces"), MeasureSum.Of("emails_sent"), KpiUnit.Ratio, BetterWhen.Lower, ["Mailchimp"], Specialist, Cadence.Weekly, Indicator.Leading),

        // Conversion
        Sum("leads", "Leads", FunnelStage.Conversion, "Contacts whose lead date (or create date) falls in the period.", "count of new leads", "leads", BetterWhen.Higher, ["CRM"], Executive | Marketing, Cadence.Weekly, Indicator.Leading),
        Sum("mqls", "MQLs", FunnelStage.Conversion, "Contacts entering marketing-qualified in the period.", "count of MQL entries", "mqls", BetterWhen.Higher, ["CRM"], Marketing, Cadence.Weekly, Indicator.Leading),
        Sum("sqls", "SQLs", FunnelStage.Conversion, "Contacts entering sales-qualified in the period.", "count of SQL entries", "sqls", BetterWhen.Higher, ["CRM"], Marketing, Cadence.Weekly, Indicator.Leading),
        Ratio("web_conversion_rate", "Conversion rate (web)", FunnelStage.Conversion, "Key events per session.", "Σ key events / Σ sessions", MeasureSum.Of("key_events"), MeasureSum.Of("sessions"), KpiUnit.Ratio, BetterWhen.Higher, ["GA4"], Marketing, Cadence.Weekly, Indicator.Leading),
        Ratio("ad_conversion_rate", "Ad conversion rate", FunnelStage.Conversion, "Attributed conversions per link click.", "Σ conversions / Σ link clicks", MeasureSum.Of("ad_conversions"), MeasureSum.Of("link_clicks"), KpiUnit.Ratio, BetterWhen.Higher, ["Meta", "GA4"], Marketing, Cadence.Weekly, Indicator.Leading),
        Ratio("cpl", "CPL", FunnelStage.Conversion, "All marketing cost per lead (blended): overall all cost ÷ all leads, per channel that channel's cost ÷ its leads.", "(Σ ad spend + Σ other marketing costs) / Σ leads", MarketingCost, MeasureSum.Of("leads"), KpiUnit.Currency, BetterWhen.Lower, ["Meta", "GA4", "Files", "CRM"], Marketing, Cadence.Weekly, Indicator.Leading) with { CostScope = CostScope.Blended },
        Ratio("cpl_paid", "CPL (paid)", FunnelStage.Conversion, "Marketing cost per lead of the channels that have a cost source.", "(Σ ad spend + Σ other marketing costs) / Σ leads of channels with a cost source", MarketingCost, MeasureSum.Of("leads_costed"), KpiUnit.Currency, BetterWhen.Lower, ["Meta", "GA4", "Files", "CRM"], Marketing, Cadence.Weekly, Indicator.Leading) with { CostScope = CostScope.Paid },
        Ratio("cpa", "CPA / CPO", FunnelStage.Conversion, "Ad spend per attributed conversion (order).", "Σ spend / Σ conversions", MeasureSum.Of("ad_spend"), MeasureSum.Of("ad_conversions"), KpiUnit.Currency, BetterWhen.Lower, ["Meta", "GA4"], Marketing, Cadence.Weekly, Indicator.Lagging),
        Sum("new_customers", "New customers", FunnelStage.Conversion, "Customers whose first won deal falls in the period.", "count of first wins", "new_customers", BetterWhen.Higher, ["CRM"], Executive, Cadence.Monthly, Indicator.Lagging),
        Ratio("cac", "CAC", FunnelStage.Conversion, "Marketing spend (ads and other costs) per new customer (blended: all new customers).", "(Σ ad spend + Σ other marketing costs) / new customers", MarketingCost, MeasureSum.Of("new_customers"), KpiUnit.Currency, BetterWhen.Lower, ["Meta", "GA4", "Files", "CRM"], Executive, Cadence.Monthly, Indicator.Lagging) with { CostScope = CostScope.Blended },
        Ratio("cac_paid", "CAC (paid)", FunnelStage.Conversion, "Marketing spend per new customer acquired through a channel that has a cost source.", "(Σ ad spend + Σ other marketing costs) / new customers of channels with a cost source", MarketingCost, MeasureSum.Of("new_customers_costed"), KpiUnit.Currency, BetterWhen.Lower, ["Meta", "GA4", "Files", "CRM"], Executive, Cadence.Monthly, Indicator.Lagging) with { CostScope = CostScope.Paid },
        Sum("revenue", "Revenue", FunnelStage.Conversion, "Amount of deals won (by close date).", "Σ won deal amounts", "won_revenue", BetterWhen.Higher, ["CRM"], Executive, Cadence.Monthly, Indicator.Lagging) with { Unit = KpiUnit.Currency },
        Ratio("aov", "AOV", FunnelStage.Conversion, "Revenue per won deal (order).", "Σ revenue / Σ won deals", MeasureSum.Of("won_revenue"), MeasureSum.Of("won_deals"), KpiUnit.Currency, BetterWhen.Higher, ["CRM"], Executive | Marketing, Cadence.Monthly, Indicator.Lagging),
        Ratio("roas", "ROAS", FunnelStage.Conversion, "CRM revenue per unit of all marketing cost (blended).", "Σ won revenue / (Σ ad spend + Σ other marketing costs)", MeasureSum.Of("won_revenue"), MarketingCost, KpiUnit.Ratio, BetterWhen.Higher, ["CRM", "Meta", "GA4", "Files"], Marketing, Cadence.Weekly, Indicator.Lagging) with { CostScope = CostScope.Blended },
        Ratio("roas_paid", "ROAS (paid)", FunnelStage.Conversion, "CRM revenue of channels that have a cost source per unit of marketing cost.", "Σ won revenue of channels with a cost source / (Σ ad spend + Σ other marketing costs)", MeasureSum.Of("won_revenue_costed"), MarketingCost, KpiUnit.Ratio, BetterWhen.Higher, ["CRM", "Meta", "GA4", "Files"], Marketing, Cadence.Weekly, Indicator.Lagging) with { CostScope = CostScope.Paid },
        Ratio("roas_platform", "ROAS (platform)", FunnelStage.Conversion, "Conversion value the ad platforms claim per unit of ad spend.", "Σ platform-attributed conversion value / Σ ad spend", MeasureSum.Of("ad_conversion_value"), MeasureSum.Of("ad_spend"), KpiUnit.Ratio, BetterWhen.Higher, ["Meta", "GA4"], Marketing, Cadence.Weekly, Indicator.Lagging) with { CostScope = CostScope.Platform },
        Ratio("roi", "ROI", FunnelStage.Conversion, "Return on all marketing cost (blended: all CRM revenue).", "(revenue − cost) / cost", MeasureSum.Of("won_revenue").Minus("ad_spend").Minus("other_marketing_cost"), MarketingCost, KpiUnit.Ratio, BetterWhen.Higher, ["CRM", "Meta", "GA4", "Files"], Executive, Cadence.Monthly, Indicator.Lagging) with { CostScope = CostScope.Blended },
        Ratio("roi_paid", "ROI (paid)", FunnelStage.Conversion, "Return on marketing cost over the revenue of channels that have a cost source.", "(revenue of channels with a cost source − cost) / cost", MeasureSum.Of("won_revenue_costed").Minus("ad_spend").Minus("other_marketing_cost"), MarketingCost, KpiUnit.Ratio, BetterWhen.Higher, ["CRM", "Meta", "GA4", "Files"], Executive, Cadence.Monthly, Indicator.Lagging) with { CostScope = CostScope.Paid },
        Ratio("romi", "ROMI", FunnelStage.Conversion, "Return on marketing investment using the gross margin setting.", "(revenue × gross margin − marketing spend) / marketing spend", MeasureSum.Of("margin_revenue").Minus("ad_spend").Minus("other_marketing_cost"), MarketingCost, KpiUnit.Ratio, BetterWhen.Higher, ["CRM", "Meta", "GA4", "Files"], Executive, Cadence.Quarterly, Indicator.Lagging) with { CostScope = CostScope.Blended },
        Dedicated("lead_to_customer_rate", "Lead-to-customer rate", FunnelStage.Conversion, "Customers among the leads of the same cohort.", "customers / leads of the same cohort", KpiUnit.Ratio, BetterWhen.Higher, ["CRM"], Executive | Marketing, Cadence.Monthly, Indicator.Lagging) with { View = "mart.funnel_monthly" },
        Ratio("win_rate", "Win rate", FunnelStage.Conversion, "Won deals per closed deal (count basis).", "won deals / closed deals", MeasureSum.Of("won_deals"), MeasureSum.Of("closed_deals"), KpiUnit.Ratio, BetterWhen.Higher, ["CRM"], Executive | Marketing, Cadence.Monthly, Indicator.Lagging),
        Ratio("sales_cycle_days", "Sales cycle", FunnelStage.Conversion, "Average days from deal creation to close over won deals.", "Σ days create→close / Σ won deals", MeasureSum.Of("won_deal_cycle_days"), MeasureSum.Of("won_deals"), KpiUnit.Days, BetterWhen.Lower, ["CRM"], Executive, Cadence.Monthly, Indicator.Lagging),
        Sum("deals_created", "Deals per period", FunnelStage.Conversion, "Deals created in the period.", "count of deals created", "deals_created", BetterWhen.Higher, ["CRM"], Marketing, Cadence.Weekly, Indicator.Leading),
        Dedicated("sales_growth", "Sales growth", FunnelStage.Conversion, "Revenue change against the previous period.", "(revenue this period − previous) / previous", KpiUnit.Ratio, BetterWhen.Higher, ["CRM"], Executive, Cadence.Monthly, Indicator.Lagging) with { View = "mart.kpi_trends" },

        // Loyalty
        Dedicated("repeat_purchase_rate", "Repeat purchase rate", FunnelStage.Loyalty, "Customers with two or more won deals among customers with one or more.", "customers with ≥ 2 won deals / customers with ≥ 1", KpiUnit.Ratio, BetterWhen.Higher, ["CRM"], Executive, Cadence.Quarterly, Indicator.Lagging) with { View = "mart.customer_retention" },
        Dedicated("retention_rate", "Retention rate", FunnelStage.Loyalty, "Customers active in both the period and the previous one, per customer active in the previous one.", "active in both / active in previous", KpiUnit.Ratio, BetterWhen.Higher, ["CRM"], Executive, Cadence.Quarterly, Indicator.Lagging) with { View = "mart.customer_retention" },
        Dedicated("churn_rate", "Churn rate", FunnelStage.Loyalty, "Customers of the previous period not active in this one.", "1 − retention rate", KpiUnit.Ratio, BetterWhen.Lower, ["CRM"], Executive, Cadence.Quarterly, Indicator.Lagging) with { View = "mart.customer_retention" },
        Dedicated("ltv_historic", "LTV (historic)", FunnelStage.Loyalty, "Revenue per customer to date, averaged over the customers of a cohort.", "Σ revenue per customer to date / customers of the cohort", KpiUnit.Currency, BetterWhen.Higher, ["CRM"], Executive, Cadence.Quarterly, Indicator.Lagging) with { View = "mart.customer_cohorts" },
        Dedicated("ltv_formula", "LTV (formula)", FunnelStage.Loyalty, "Expected lifetime value from settings; labelled as a formula value wherever shown; NULL (with ltv_formula_note) until the CRM has MinLtvHistoryMonths months with closed deals.", "AOV × purchase frequency × expected lifespan", KpiUnit.Currency, BetterWhen.Higher, ["CRM"], Executive, Cadence.Quarterly, Indicator.Lagging) with { View = "mart.dashboard_executive" },
        Dedicated("ltv_to_cac", "LTV:CAC", FunnelStage.Loyalty, "Lifetime value per acquisition cost of one cohort: the historic LTV to date of the customers acquired in the period against that period's marketing cost per customer (3:1 is the usual healthy mark).", "cohort revenue to date / cohort customers ÷ (period marketing cost / cohort customers)", KpiUnit.Ratio, BetterWhen.Higher, ["CRM", "Meta", "Files"], Executive, Cadence.Quarterly, Indicator.Lagging) with { View = "mart.dashboard_executive" },
        Ratio("nps", "NPS", FunnelStage.Loyalty, "Promoters minus detractors, in points of all responses.", "% promoters (9–10) − % detractors (0–6)", MeasureSum.Of("nps_net"), MeasureSum.Of("nps_responses"), KpiUnit.Score, BetterWhen.Higher, ["Files"], Executive, Cadence.Quarterly, Indicator.Lagging) with { Scale = 100m },
    ];

    public static KpiDefinition Get(string id) =>
        All.FirstOrDefault(k => k.Id == id) ?? throw new KeyNotFoundException($"no KPI '{id}' in the catalog");

    private static MeasureSum Delivered => MeasureSum.Of("emails_sent").Minus("hard_bounces").Minus("soft_bounces");

    private static MeasureSum MarketingCost => MeasureSum.Of("ad_spend").Plus("other_marketing_cost");

    private static KpiDefinition Sum(string id, string name, FunnelStage stage, string description, string formula, string measure,
        BetterWhen better, string[] sources, Audience audiences, Cadence cadence, Indicator indicator) =>
        Sum(id, name, stage, description, formula, MeasureSum.Of(measure), better, sources, audiences, cadence, indicator);

    private static KpiDefinition Sum(string id, string name, FunnelStage stage, string description, string formula, MeasureSum numerator,
        BetterWhen better, string[] sources, Audience audiences, Cadence cadence, Indicator indicator) => new()
        {
            Id = id, Name = name, Stage = stage, Description = description, Formula = formula, Unit = KpiUnit.Count,
            BetterWhen = better, Additivity = Additivity.Additive, Indicator = indicator, Audiences = audiences, Cadence = cadence,
            Sources = sources, Numerator = numerator,
        };

    private static KpiDefinition Ratio(string id, string name, FunnelStage stage, string description, string formula, MeasureSum numerator, MeasureSum denominator,
        KpiUnit unit, BetterWhen better, string[] sources, Audience audiences, Cadence cadence, Indicator indicator) => new()
        {
            Id = id, Name = name, Stage = stage, Description = description, Formula = formula, Unit = unit,
            BetterWhen = better, Additivity = Additivity.RatioOfSums, Indicator = indicator, Audiences = audiences, Cadence = cadence,
            Sources = sources, Numerator = numerator, Denominator = denominator,
        };

    private static KpiDefinition Fetched(string id, string name, FunnelStage stage, string description, string formula, string measure, string[] sources, Audience audiences) => new()
    {
        Id = id, Name = name, Stage = stage, Description = description, Formula = formula, Unit = KpiUnit.Count,
        BetterWhen = BetterWhen.Higher, Additivity = Additivity.NonAdditive, Indicator = Indicator.Leading, Audiences = audiences, Cadence = Cadence.Daily,
        Sources = sources, Numerator = MeasureSum.Of(measure),
    };

    private static KpiDefinition Dedicated(string id, string name, FunnelStage stage, string description, string formula, KpiUnit unit,
        BetterWhen better, string[] sources, Audience audiences, Cadence cadence, Indicator indicator) => new()
        {
            Id = id, Name = name, Stage = stage, Description = description, Formula = formula, Unit = unit,
            BetterWhen = better, Additivity = Additivity.DedicatedView, Indicator = indicator, Audiences = audiences, Cadence = cadence,
            Sources = sources,
        };
}
