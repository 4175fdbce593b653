using System.Security.Cryptography;
using System.Text;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Mailchimp;

/// <summary>The Mailchimp streams; each lands in <c>staging.mailchimp_{name}</c>.</summary>
public static class MailchimpStreams
{
    public const string Source = "mailchimp";

    /// <summary>Audiences with their current stats (entity; every run reads them all, the stats are snapshots).</summary>
    public static StreamDescriptor Lists { get; } = new(
        Source,
        "lists",
        StreamKind.Entity,
        [
            new("id", FieldType.String, Nullable: false),
            new("web_id", FieldType.Int64),
            new("name", FieldType.String),
            new("date_created", FieldType.Timestamp),
            new("member_count", FieldType.Int64),
            new("unsubscribe_count", FieldType.Int64),
            new("cleaned_count", FieldType.Int64),
            new("member_count_since_send", FieldType.Int64),
            new("unsubscribe_count_since_send", FieldType.Int64),
            new("cleaned_count_since_send", FieldType.Int64),
            new("campaign_count", FieldType.Int64),
            new("campaign_last_sent", FieldType.Timestamp),
            new("avg_sub_rate", FieldType.Double, NonAdditive: true, Description: "Mailchimp's average subscriptions per month for the list (a count per month, not a percent)."),
            new("avg_unsub_rate", FieldType.Double, NonAdditive: true, Description: "Mailchimp's average unsubscriptions per month for the list (a count per month, not a percent)."),
            new("open_rate", FieldType.Double, NonAdditive: true, Description: "Average open rate of the list's campaigns as a PERCENT (34.5 = 34.5 %); campaign_reports.open_rate is a fraction."),
            new("click_rate", FieldType.Double, NonAdditive: true, Description: "Average click rate of the list's campaigns as a PERCENT (3.9 = 3.9 %); campaign_reports.click_rate is a fraction."),
            new("last_sub_date", FieldType.Timestamp),
            new("last_unsub_date", FieldType.Timestamp),
        ],
        ["id"],
        "date_created");

    /// <summary>Every campaign, sent or not (entity; read in full each run, since status and counts change without a filterable timestamp).</summary>
    public static StreamDescriptor Campaigns { get; } = new(
        Source,
        "campaigns",
        StreamKind.Entity,
        [
            new("id", FieldType.String, Nullable: false),
            new("web_id", FieldType.Int64),
            new("type", FieldType.String),
            new("status", FieldType.String),
            new("create_time", FieldType.Timestamp),
            new("send_time", FieldType.Timestamp),
            new("list_id", FieldType.String),
            new("title", FieldType.String),
            new("subject_line", FieldType.String),
            new("emails_sent", FieldType.Int64),
            // tracking.google_analytics: the utm_campaign Mailchimp appends to links, i.e. GA4's sessionCampaignName.
            new("utm_campaign", FieldType.String),
        ],
        ["id"],
        "create_time");

    /// <summary>
    /// Stats of each sent campaign (entity keyed by campaign). New campaigns come after the cursor (send_time);
    /// campaigns sent in the last <see cref="MailchimpOptions.ReportRereadDays"/> are read again on every run because
    /// opens and clicks keep arriving.
    /// </summary>
    public static StreamDescriptor CampaignReports { get; } = new(
        Source,
        "campaign_reports",
        StreamKind.Entity,
        [
            new("campaign_id", FieldType.String, Nullable: false),
            new("list_id", FieldType.String),
            new("campaign_title", FieldType.String),
            new("type", FieldType.String),
            new("send_time", FieldType.Timestamp),
            new("emails_sent", FieldType.Int64),
            new("hard_bounces", FieldType.Int64),
            new("soft_bounces", FieldType.Int64),
            new("syntax_errors", FieldType.Int64),
            new("abuse_reports", FieldType.Int64),
            new("unsubscribed", FieldType.Int64),
            new("opens_total", FieldType.Int64),
            new("unique_opens", FieldType.Int64),
            new("open_rate", FieldType.Double, NonAdditive: true, Description: "Mailchimp's unique opens / delivered as a FRACTION (0.345 = 34.5 %), Apple Mail Privacy Protection opens included; lists.open_rate is a percent. Recompute from counts, never average it."),
            new("last_open", FieldType.Timestamp),
            new("clicks_total", FieldType.Int64),
            new("unique_clicks", FieldType.Int64),
            new("unique_subscriber_clicks", FieldType.Int64),
            new("click_rate", FieldType.Double, NonAdditive: true, Description: "Mailchimp's unique subscriber clicks / delivered as a FRACTION (0.039 = 3.9 %); lists.click_rate is a percent."),
            new("last_click", FieldType.Timestamp),
            new("ecommerce_total_orders", FieldType.Int64),
            new("ecommerce_total_spent", FieldType.Decimal),
            new("ecommerce_total_revenue", FieldType.Decimal),
            new("currency_code", FieldType.String),
            // Opens without Apple Mail Privacy Protection prefetches ("human" opens); NULL on campaigns sent before
            // Mailchimp counted them. Last, so an existing table gains them as added columns.
            new("proxy_excluded_opens", FieldType.Int64, Description: "All opens without Apple Mail Privacy Protection machine opens (Mailchimp opens.proxy_excluded_opens); NULL where Mailchimp does not report it."),
            new("proxy_excluded_unique_opens", FieldType.Int64, Description: "Unique opens without Apple Mail Privacy Protection machine opens (opens.proxy_excluded_unique_opens); NULL where Mailchimp does not report it."),
            new("proxy_excluded_open_rate", FieldType.Double, NonAdditive: true, Description: "Human unique opens / delivered as a FRACTION, like open_rate; NULL where Mailchimp does not report it."),
        ],
        ["campaign_id"],
        "send_time");

    /// <summary>
    /// Per list and day (report stream). The API serves the last 180 days only, so windows never reach further
    /// back: older days already in the warehouse stay, since a report window replaces only its own days.
    /// </summary>
    public static StreamDescriptor ListActivityDaily { get; } = new(
        Source,
        "list_activity_daily",
        StreamKind.Report,
        [
            new("list_id", FieldType.String, Nullable: false),
            new("day", FieldType.Date, Nullable: false),
            new("emails_sent", FieldType.Int64),
            // Distinct people per day: summing days overcounts.
            new("unique_opens", FieldType.Int64, NonAdditive: true),
            new("recipient_clicks", FieldType.Int64, NonAdditive: true),
            new("hard_bounce", FieldType.Int64),
            new("soft_bounce", FieldType.Int64),
            new("subs", FieldType.Int64),
            new("unsubs", FieldType.Int64),
            new("other_adds", FieldType.Int64),
            new("other_removes", FieldType.Int64),
        ],
        ["list_id", "day"],
        "day",
        defaultLookbackDays: 30);

    /// <summary>
    /// Audience members, incremental on <c>last_changed</c>. The address itself never leaves the connector: only the
    /// SHA-256 of the trimmed, lower-cased address (<see cref="EmailHash"/>) is stored.
    /// </summary>
    public static StreamDescriptor ListMembers { get; } = new(
        Source,
        "list_members",
        StreamKind.Entity,
        [
            new("list_id", FieldType.String, Nullable: false),
            // Mailchimp's subscriber hash (MD5 of the lower-cased address), the id other endpoints use.
            new("id", FieldType.String, Nullable: false),
            new("email_sha256", FieldType.String, Nullable: false),
            new("status", FieldType.String),
            new("source", FieldType.String),
            new("member_rating", FieldType.Int64),
            new("timestamp_opt", FieldType.Timestamp),
            new("last_changed", FieldType.Timestamp),
        ],
        ["list_id", "id"],
        "last_changed");

    /// <summary>Who unsubscribed through which campaign, as the SHA-256 of the normalised address (entity).</summary>
    public static StreamDescriptor Unsubscribes { get; } = new(
        Source,
        "unsubscribes",
        StreamKind.Entity,
        [
            new("campaign_id", FieldType.String, Nullable: false),
            new("email_sha256", FieldType.String, Nullable: false),
            new("list_id", FieldType.String),
            new("timestamp", FieldType.Timestamp),
            new("reason", FieldType.String),
        ],
        ["campaign_id", "email_sha256"],
        "timestamp");

    /// <summary>Every stream, in the order a sync reads them.</summary>
    public static IReadOnlyList<StreamDescriptor> All { get; } = [Lists, Campaigns, CampaignReports, ListActivityDaily, ListMembers, Unsubscribes];
}

/// <summary>How an email address is stored: SHA-256 (lower-case hex) of the trimmed, lower-cased address.</summary>
public static class EmailHash
{
    public static string Normalize(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return email.Trim().ToLowerInvariant();
    }

    public static string Sha256(string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(email))));
}
