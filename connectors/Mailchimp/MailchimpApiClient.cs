using System.Globalization;
using System.Net;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Pipeline.Connectors.Http;

namespace Pipeline.Connectors.Mailchimp;

/// <summary>
/// The slice of the Mailchimp Marketing API v3 this connector reads. Every list request pages with
/// <c>offset</c>/<c>count</c> and names its <c>fields</c>, so responses carry only what lands in the warehouse (and no
/// names, addresses or merge fields). Throttling (429), 5xx and broken bodies are retried by the SDK; a 401 is
/// retried here only once the key has worked, because then it is Mailchimp hiccuping, not a wrong key.
/// </summary>
internal sealed class MailchimpApiClient(HttpClient http, string account, MailchimpOptions options, TimeProvider clock)
{
    private const int AuthRetriesAfterSuccess = 3;

    private const string ListFields = "lists.id,lists.web_id,lists.name,lists.date_created,lists.stats,total_items";
    private const string CampaignFields =
        "campaigns.id,campaigns.web_id,campaigns.type,campaigns.status,campaigns.create_time,campaigns.send_time,campaigns.emails_sent,"
        + "campaigns.recipients.list_id,campaigns.settings.title,campaigns.settings.subject_line,campaigns.tracking.google_analytics,total_items";
    private const string ReportFields =
        "reports.id,reports.campaign_title,reports.type,reports.list_id,reports.send_time,reports.emails_sent,reports.abuse_reports,"
        + "reports.unsubscribed,reports.bounces,reports.opens,reports.clicks,reports.ecommerce,total_items";
    private const string ActivityFields =
        "activity.day,activity.emails_sent,activity.unique_opens,activity.recipient_clicks,activity.hard_bounce,activity.soft_bounce,"
        + "activity.subs,activity.unsubs,activity.other_adds,activity.other_removes,total_items";
    private const string MemberFields =
        "members.id,members.email_address,members.status,members.timestamp_opt,members.last_changed,members.source,members.member_rating,total_items";
    private const string UnsubscribeFields =
        "unsubscribes.email_address,unsubscribes.timestamp,unsubscribes.reason,unsubscribes.campaign_id,unsubscribes.list_id,total_items";

    private readonly PageReadOptions pageOptions = new() { BaseDelay = options.RetryBaseDelay };
    private volatile bool keyWorked;

    public Task<AccountRoot> GetAccountAsync(CancellationToken cancellationToken) =>
        GetAsync("?fields=account_id,account_timezone", MailchimpJson.Default.AccountRoot, cancellationToken);

    public Task<ListsPage> GetListsAsync(long offset, int count, CancellationToken cancellationToken) =>
        GetAsync(Paged("lists", offset, count, ListFields), MailchimpJson.Default.ListsPage, cancellationToken);

    public Task<CampaignsPage> GetCampaignsAsync(long offset, int count, CancellationToken cancellationToken) =>
        GetAsync(Paged("campaigns", offset, count, CampaignFields) + "&sort_field=create_time&sort_dir=ASC", MailchimpJson.Default.CampaignsPage, cancellationToken);

    public Task<ReportsPage> GetReportsAsync(DateTimeOffset? sinceSendTime, long offset, int count, CancellationToken cancellationToken) =>
        GetAsync(Paged("reports", offset, count, ReportFields) + Since("since_send_time", sinceSendTime), MailchimpJson.Default.ReportsPage, cancellationToken);

    public Task<ActivityPage> GetActivityAsync(string listId, long offset, int count, CancellationToken cancellationToken) =>
        GetAsync(Paged($"lists/{Uri.EscapeDataString(listId)}/activity", offset, count, ActivityFields), MailchimpJson.Default.ActivityPage, cancellationToken);

    public Task<MembersPage> GetMembersAsync(string listId, DateTimeOffset? sinceLastChanged, long offset, int count, CancellationToken cancellationToken) =>
        GetAsync(
            Paged($"lists/{Uri.EscapeDataString(listId)}/members", offset, count, MemberFields) + Since("since_last_changed", sinceLastChanged),
            MailchimpJson.Default.MembersPage,
            cancellationToken);

    public Task<UnsubscribesPage> GetUnsubscribesAsync(string campaignId, long offset, int count, CancellationToken cancellationToken) =>
        GetAsync(Paged($"reports/{Uri.EscapeDataString(campaignId)}/unsubscribed", offset, count, UnsubscribeFields), MailchimpJson.Default.UnsubscribesPage, cancellationToken);

    private static string Paged(string path, long offset, int count, string fields) =>
        string.Create(CultureInfo.InvariantCulture, $"{path}?offset={offset}&count={count}&fields={Uri.EscapeDataString(fields)}");

    private static string Since(string name, DateTimeOffset? at) =>
        at is { } t ? $"&{name}={Uri.EscapeDataString(t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'+00:00'", CultureInfo.InvariantCulture))}" : "";

    private async Task<T> GetAsync<T>(string requestUri, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            try
            {
                var page = await http.SendForJsonAsync(() => new HttpRequestMessage(HttpMethod.Get, requestUri), typeInfo, pageOptions, cancellationToken);
                keyWorked = true;
                return page;
            }
            catch (SourceHttpException ex) when (ex.StatusCode == HttpStatusCode.Unauthorized)
            {
                // A key never accepted gets one more try (a blip on the very first call), then fails plainly.
                failures++;
                if (failures > (keyWorked ? AuthRetriesAfterSuccess : 1))
                {
                    var why = MailchimpProblem.Describe(ex.Message) ?? "401 Unauthorized";
                    throw new MailchimpAuthException(
                        keyWorked
                            ? $"Mailchimp {account}: the credential stopped working ({why}); check whether the key was revoked"
                            : $"Mailchimp {account}: the API key was rejected ({why}); check ApiKey (or AccessToken and DataCenter)",
                        ex);
                }

                await Task.Delay(options.RetryBaseDelay * failures, clock, cancellationToken);
            }
            catch (SourceHttpException ex) when (ex.StatusCode == HttpStatusCode.Forbidden)
            {
                // The SDK retried bare 403s (the connection limit); one with a problem document is a real refusal.
                throw MailchimpProblem.Describe(ex.Message) is { } why
                    ? new MailchimpAuthException($"Mailchimp {account}: access forbidden ({why}); check the key's account, its role and whether the user is disabled", ex)
                    : new SourceThrottledException(
                        $"Mailchimp {account}: still refused with 403 without a body (its connection limit) after every retry; lower MaxConcurrentRequests or run again later",
                        HttpStatusCode.Forbidden,
                        ex.RedactedUrl,
                        null);
            }
        }
    }
}

internal sealed record AccountRoot
{
    public string? AccountId { get; init; }
    public string? AccountTimezone { get; init; }
}

/// <summary>
/// A collection page. Mailchimp (or a <c>fields</c> list) may leave out the array or <c>total_items</c>: an absent
/// array is empty, never null (STJ assigns null to an init property the JSON lacks, hence the <c>field ?? []</c>
/// setters), and an absent total means "keep paging while pages come back full".
/// </summary>
internal interface IMailchimpPage
{
    int ItemCount { get; }

    long? TotalItems { get; }
}

internal static class MailchimpPages
{
    /// <summary>Stands for "total unknown, the page was full: there may be more".</summary>
    public const long UnknownTotal = long.MaxValue;

    /// <summary>The total the pagers stop at: <c>total_items</c>, else one more page after a full one.</summary>
    public static long Total(IMailchimpPage page, int pageSize) =>
        page.TotalItems ?? (page.ItemCount >= pageSize ? UnknownTotal : 0);
}

internal sealed record ListsPage : IMailchimpPage
{
    public IReadOnlyList<ListItem> Lists { get; init => field = value ?? []; } = [];
    public long? TotalItems { get; init; }

    int IMailchimpPage.ItemCount => Lists.Count;
}

internal sealed record ListItem
{
    public string? Id { get; init; }
    public long? WebId { get; init; }
    public string? Name { get; init; }
    public string? DateCreated { get; init; }
    public ListStats? Stats { get; init; }
}

internal sealed record ListStats
{
    public long? MemberCount { get; init; }
    public long? UnsubscribeCount { get; init; }
    public long? CleanedCount { get; init; }
    public long? MemberCountSinceSend { get; init; }
    public long? UnsubscribeCountSinceSend { get; init; }
    public long? CleanedCountSinceSend { get; init; }
    public long? CampaignCount { get; init; }
    public string? CampaignLastSent { get; init; }
    public double? AvgSubRate { get; init; }
    public double? AvgUnsubRate { get; init; }
    public double? OpenRate { get; init; }
    public double? ClickRate { get; init; }
    public string? LastSubDate { get; init; }
    public string? LastUnsubDate { get; init; }
}

internal sealed record CampaignsPage : IMailchimpPage
{
    public IReadOnlyList<CampaignItem> Campaigns { get; init => field = value ?? []; } = [];
    public long? TotalItems { get; init; }

    int IMailchimpPage.ItemCount => Campaigns.Count;
}

internal sealed record CampaignItem
{
    public string? Id { get; init; }
    public long? WebId { get; init; }
    public string? Type { get; init; }
    public string? Status { get; init; }
    public string? CreateTime { get; init; }
    public string? SendTime { get; init; }
    public long? EmailsSent { get; init; }
    public CampaignRecipients? Recipients { get; init; }
    public CampaignSettings? Settings { get; init; }
    public CampaignTracking? Tracking { get; init; }
}

internal sealed record CampaignRecipients(string? ListId);

internal sealed record CampaignSettings(string? Title, string? SubjectLine);

internal sealed record CampaignTracking(string? GoogleAnalytics);

internal sealed record ReportsPage : IMailchimpPage
{
    public IReadOnlyList<ReportItem> Reports { get; init => field = value ?? []; } = [];
    public long? TotalItems { get; init; }

    int IMailchimpPage.ItemCount => Reports.Count;
}

internal sealed record ReportItem
{
    public string? Id { get; init; }
    public string? CampaignTitle { get; init; }
    public string? Type { get; init; }
    public string? ListId { get; init; }
    public string? SendTime { get; init; }
    public long? EmailsSent { get; init; }
    public long? AbuseReports { get; init; }
    public long? Unsubscribed { get; init; }
    public ReportBounces? Bounces { get; init; }
    public ReportOpens? Opens { get; init; }
    public ReportClicks? Clicks { get; init; }
    public ReportEcommerce? Ecommerce { get; init; }
}

internal sealed record ReportBounces(long? HardBounces, long? SoftBounces, long? SyntaxErrors);

/// <summary>
/// Opens; the <c>proxy_excluded_*</c> figures leave out Apple Mail Privacy Protection prefetches and are absent on
/// campaigns sent before Mailchimp started counting them (null then, never 0).
/// </summary>
internal sealed record ReportOpens(
    long? OpensTotal, long? UniqueOpens, double? OpenRate, string? LastOpen,
    long? ProxyExcludedOpens, long? ProxyExcludedUniqueOpens, double? ProxyExcludedOpenRate);

internal sealed record ReportClicks(long? ClicksTotal, long? UniqueClicks, long? UniqueSubscriberClicks, double? ClickRate, string? LastClick);

internal sealed record ReportEcommerce(long? TotalOrders, decimal? TotalSpent, decimal? TotalRevenue, string? CurrencyCode);

internal sealed record ActivityPage : IMailchimpPage
{
    public IReadOnlyList<ActivityItem> Activity { get; init => field = value ?? []; } = [];
    public long? TotalItems { get; init; }

    int IMailchimpPage.ItemCount => Activity.Count;
}

internal sealed record ActivityItem
{
    public string? Day { get; init; }
    public long? EmailsSent { get; init; }
    public long? UniqueOpens { get; init; }
    public long? RecipientClicks { get; init; }
    public long? HardBounce { get; init; }
    public long? SoftBounce { get; init; }
    public long? Subs { get; init; }
    public long? Unsubs { get; init; }
    public long? OtherAdds { get; init; }
    public long? OtherRemoves { get; init; }
}

internal sealed record MembersPage : IMailchimpPage
{
    public IReadOnlyList<MemberItem> Members { get; init => field = value ?? []; } = [];
    public long? TotalItems { get; init; }

    int IMailchimpPage.ItemCount => Members.Count;
}

internal sealed record MemberItem
{
    public string? Id { get; init; }
    public string? EmailAddress { get; init; }
    public string? Status { get; init; }
    public string? TimestampOpt { get; init; }
    public string? LastChanged { get; init; }
    public string? Source { get; init; }
    public long? MemberRating { get; init; }
}

internal sealed record UnsubscribesPage : IMailchimpPage
{
    public IReadOnlyList<UnsubscribeItem> Unsubscribes { get; init => field = value ?? []; } = [];
    public long? TotalItems { get; init; }

    int IMailchimpPage.ItemCount => Unsubscribes.Count;
}

internal sealed record UnsubscribeItem
{
    public string? EmailAddress { get; init; }
    public string? Timestamp { get; init; }
    public string? Reason { get; init; }
    public string? CampaignId { get; init; }
    public string? ListId { get; init; }
}

internal sealed record ProblemDocument(string? Type, string? Title, int? Status, string? Detail);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AccountRoot))]
[JsonSerializable(typeof(ListsPage))]
[JsonSerializable(typeof(CampaignsPage))]
[JsonSerializable(typeof(ReportsPage))]
[JsonSerializable(typeof(ActivityPage))]
[JsonSerializable(typeof(MembersPage))]
[JsonSerializable(typeof(UnsubscribesPage))]
[JsonSerializable(typeof(ProblemDocument))]
[JsonSerializable(typeof(ListItem))]
[JsonSerializable(typeof(CampaignItem))]
[JsonSerializable(typeof(ReportItem))]
[JsonSerializable(typeof(ActivityItem))]
[JsonSerializable(typeof(MemberItem))]
[JsonSerializable(typeof(UnsubscribeItem))]
internal sealed partial class MailchimpJson : JsonSerializerContext;
