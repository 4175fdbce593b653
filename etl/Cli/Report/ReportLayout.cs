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
    IReadOnlyList<TableLayout> Tables);

/// <summary>A table of campaigns: rows are the segments where the first column has a value, sorted by it.</summary>
internal sealed record TableLayout(string Title, string Caption, IReadOnlyList<(string Header, string KpiId, KpiPart Part)> Columns, int MaxRows = 12);

internal static class ReportLayout
{
    /// <summary>The funnel every tab shows: period counts from the first visit to the first won deal.</summary>
    public static readonly string[] Funnel = ["sessions", "leads", "mqls", "sqls", "new_customers"];

    public static readonly IReadOnlyList<AudienceLayout> Audiences =
    [
        new(
            "executive", "Executive", "Executive",
            "Revenue, new customers and what marketing spend returns.",
            Lead: ["revenue", "new_customers", "cac", "roi"],
            Breakdowns: ["revenue", "leads"],
            Tables: []),
        new(
            "marketing", "Marketing", "Marketing",
            "Leads and pipeline from campaigns, what they cost and what ads return.",
            Lead: ["leads", "cpl", "roas", "sessions"],
            Breakdowns: ["sessions", "leads"],
            Tables:
            [
                new("Campaigns", "Campaigns of the period by ad spend, then sessions (conformed UTM name across Meta, GA4, Mailchimp and HubSpot).",
                [
                    ("Ad spend", "cpc", KpiPart.Numerator), ("Sessions", "sessions", KpiPart.Value), ("Link clicks", "ctr", KpiPart.Numerator),
                    ("CTR", "ctr", KpiPart.Value), ("CPC", "cpc", KpiPart.Value), ("Leads", "leads", KpiPart.Value), ("CPL", "cpl", KpiPart.Value),
                    ("ROAS", "roas", KpiPart.Value), ("Conv. rate (web)", "web_conversion_rate", KpiPart.Value),
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
                    ("Impressions", "impressions", KpiPart.Value), ("Link clicks", "ctr", KpiPart.Numerator), ("CTR", "ctr", KpiPart.Value),
                    ("Spend", "cpc", KpiPart.Numerator), ("CPC", "cpc", KpiPart.Value), ("CPM", "cpm", KpiPart.Value),
                ]),
                new("Email campaigns", "Mailchimp campaigns sent in the period by emails sent.",
                [
                    ("Sent", "email_bounce_rate", KpiPart.Denominator), ("Open rate", "email_open_rate", KpiPart.Value),
                    ("Open rate (human)", "email_open_rate_human", KpiPart.Value),
                    ("Click rate", "email_click_rate", KpiPart.Value), ("Click-to-open", "email_click_to_open_rate", KpiPart.Value),
                    ("Unsubscribe rate", "email_unsubscribe_rate", KpiPart.Value), ("Bounce rate", "email_bounce_rate", KpiPart.Value),
                ]),
                new("Web by campaign", "GA4 sessions of the period by session campaign.",
                [
                    ("Sessions", "sessions", KpiPart.Value), ("Engagement rate", "engagement_rate", KpiPart.Value),
                    ("Bounce rate", "bounce_rate", KpiPart.Value), ("Pages / session", "pages_per_session", KpiPart.Value),
                    ("Avg. duration", "avg_session_duration", KpiPart.Value), ("Conv. rate", "web_conversion_rate", KpiPart.Value),
                ]),
            ]),
    ];
}
