namespace Pipeline.Cli.Report;

/// <summary>
/// What each tab leads with. Which KPIs belong to an audience is the catalog's (<c>mart.kpi_catalog.audiences</c>);
/// this only orders them and picks the charts and tables, the editorial part of a report.
/// </summary>
internal sealed record AudienceLayout(
    string Id,
    string Audience,
    string Title,
    string Summary,
    IReadOnlyList<string> Lead,
    IReadOnlyList<string> Breakdowns,
    IReadOnlyList<TableLayout> Tables,
    IReadOnlyList<ColumnLayout>? Months = null);

/// <summary>A table of campaigns: rows are the segments where the first column has a value, sorted by it.</summary>
internal sealed record TableLayout(string Title, string Caption, IReadOnlyList<ColumnLayout> Columns, int MaxRows = 12);

/// <summary>
/// A column of a campaign table. With <see cref="WithoutNumerator"/>, a row whose numerator is empty or 0 shows "—"
/// and this reason instead of the mart's 0: a return on spend with no revenue attributed is unknown, not zero.
/// </summary>
/// <param name="Unit">The unit of the cells when the KPI's own does not say it (ROI's denominator is money: marketing cost).</param>
internal sealed record ColumnLayout(string Header, string KpiId, KpiPart Part, string? WithoutNumerator = null, string? Unit = null);

internal static class ReportLayout
{
    /// <summary>How many months the executive tab's month table shows, up to the report's last month.</summary>
    public const int MonthTableMonths = 6;

    /// <summary>The funnel every tab shows: period counts from the first visit to the first won deal.</summary>
    public static readonly string[] Funnel = ["sessions", "leads", "mqls", "sqls", "new_customers"];

    /// <summary>Why a campaign's ROAS (or ROI) is not shown: the overall figure has revenue this campaign has none of.</summary>
    public const string NoAttributedRevenue =
        "no revenue attributed to this campaign: the ad platforms report no purchase value for it (Meta purchases not tracked, no GA4 purchase revenue from Google Ads) and CRM deals carry no campaign";

    public static readonly IReadOnlyList<AudienceLayout> Audiences =
    [
        new(
            "executive", "Executive", "Executive",
            "Revenue, new customers and what marketing spend returns.",
            Lead: ["revenue", "new_customers", "cac", "roi", "roi_paid"],
            Breakdowns: ["revenue", "leads"],
            Tables: [],
            // Blended (all revenue ÷ all marketing cost) and paid (costed channels only) side by side, per month.
            Months:
            [
                new("Revenue", "revenue", KpiPart.Value), new("Marketing cost", "roi", KpiPart.Denominator, Unit: "Currency"),
                new("ROI (blended)", "roi", KpiPart.Value), new("ROI (paid)", "roi_paid", KpiPart.Value),
                new("New customers", "new_customers", KpiPart.Value), new("CAC (blended)", "cac", KpiPart.Value), new("CAC (paid)", "cac_paid", KpiPart.Value),
            ]),
        new(
            "marketing", "Marketing", "Marketing",
            "Leads and pipeline from campaigns, what they cost and what ads return.",
            Lead: ["leads", "cpl", "roas", "sessions"],
            Breakdowns: ["sessions", "leads"],
            Tables:
            [
                new("Campaigns", "Campaigns of the period by ad spend, then sessions (conformed UTM name across Meta, GA4, Mailchimp and HubSpot).",
                [
                    new("Ad spend", "cpc", KpiPart.Numerator), new("Sessions", "sessions", KpiPart.Value), new("Link clicks", "ctr", KpiPart.Numerator),
                    new("CTR", "ctr", KpiPart.Value), new("CPC", "cpc", KpiPart.Value), new("Leads", "leads", KpiPart.Value), new("CPL", "cpl", KpiPart.Value),
                    new("ROAS (platform)", "roas_platform", KpiPart.Value, NoAttributedRevenue), new("Conv. rate (web)", "web_conversion_rate", KpiPart.Value),
                ]),
            ]),
        new(
            "specialist", "Specialist", "Specialist",
            "Channel health: ad delivery, web engagement and email.",
            Lead: ["sessions", "ctr", "cpc", "email_open_rate"],
            Breakdowns: ["sessions", "engagement_rate"],
            Tables:
            [
                new("Ads by campaign", "Meta and Google Ads campaigns of the period by impressions.",
                [
                    new("Impressions", "impressions", KpiPart.Value), new("Link clicks", "ctr", KpiPart.Numerator), new("CTR", "ctr", KpiPart.Value),
                    new("Spend", "cpc", KpiPart.Numerator), new("CPC", "cpc", KpiPart.Value), new("CPM", "cpm", KpiPart.Value),
                ]),
                new("Email campaigns", "Mailchimp campaigns sent in the period by emails sent.",
                [
                    new("Sent", "email_bounce_rate", KpiPart.Denominator), new("Open rate", "email_open_rate", KpiPart.Value),
                    new("Open rate (human)", "email_open_rate_human", KpiPart.Value),
                    new("Click rate", "email_click_rate", KpiPart.Value), new("Click-to-open", "email_click_to_open_rate", KpiPart.Value),
                    new("Unsubscribe rate", "email_unsubscribe_rate", KpiPart.Value), new("Bounce rate", "email_bounce_rate", KpiPart.Value),
                ]),
                new("Web by campaign", "GA4 sessions of the period by session campaign.",
                [
                    new("Sessions", "sessions", KpiPart.Value), new("Engagement rate", "engagement_rate", KpiPart.Value),
                    new("Bounce rate", "bounce_rate", KpiPart.Value), new("Pages / session", "pages_per_session", KpiPart.Value),
                    new("Avg. duration", "avg_session_duration", KpiPart.Value), new("Conv. rate", "web_conversion_rate", KpiPart.Value),
                ]),
            ]),
    ];
}
