using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Paging;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Mailchimp;

/// <summary>Lists with their stats: every run reads them all (a handful of rows; the stats are current snapshots).</summary>
internal sealed class ListsReader(MailchimpConnection connection) : IStreamReader
{
    public StreamDescriptor Stream => MailchimpStreams.Lists;

    public StreamSyncSettings Settings { get; } = StreamSyncSettings.For(MailchimpStreams.Lists);

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pages = Pager.ByOffsetAsync(connection.Api.GetListsAsync, p => p.Lists.Count, p => MailchimpPages.Total(p, connection.PageSize), connection.PageSize, cancellationToken);
        await foreach (var page in pages)
        {
            yield return RowConverter.Batch(page.Lists, ToRow, MailchimpJson.Default.ListItem);
        }
    }

    private static object?[] ToRow(ListItem l, RowConverter c)
    {
        var s = l.Stats;
        return
        [
            c.Required(l.Id, "id"), l.WebId, l.Name, c.Time(l.DateCreated, "date_created"),
            s?.MemberCount, s?.UnsubscribeCount, s?.CleanedCount, s?.MemberCountSinceSend, s?.UnsubscribeCountSinceSend, s?.CleanedCountSinceSend,
            s?.CampaignCount, c.Time(s?.CampaignLastSent, "campaign_last_sent"),
            s?.AvgSubRate, s?.AvgUnsubRate, s?.OpenRate, s?.ClickRate,
            c.Time(s?.LastSubDate, "last_sub_date"), c.Time(s?.LastUnsubDate, "last_unsub_date"),
        ];
    }
}

/// <summary>All campaigns on every run: status and counts change and Mailchimp has no "changed since" filter for them.</summary>
internal sealed class CampaignsReader(MailchimpConnection connection) : IStreamReader
{
    public StreamDescriptor Stream => MailchimpStreams.Campaigns;

    public StreamSyncSettings Settings { get; } = StreamSyncSettings.For(MailchimpStreams.Campaigns);

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pages = Pager.ByOffsetAsync(connection.Api.GetCampaignsAsync, p => p.Campaigns.Count, p => MailchimpPages.Total(p, connection.PageSize), connection.PageSize, cancellationToken);
        await foreach (var page in pages)
        {
            yield return RowConverter.Batch(page.Campaigns, ToRow, MailchimpJson.Default.CampaignItem);
        }
    }

    private static object?[] ToRow(CampaignItem x, RowConverter c) =>
    [
        c.Required(x.Id, "id"), x.WebId, x.Type, x.Status, c.Time(x.CreateTime, "create_time"), c.Time(x.SendTime, "send_time"),
        x.Recipients?.ListId, x.Settings?.Title, x.Settings?.SubjectLine, x.EmailsSent, x.Tracking?.GoogleAnalytics,
    ];
}

/// <summary>
/// Reports of campaigns sent after the cursor, plus every campaign sent in the last N days whatever the cursor:
/// their opens and clicks are still growing, and an upsert by campaign id replaces the old figures.
/// </summary>
internal sealed class CampaignReportsReader(MailchimpConnection connection) : IStreamReader
{
    public StreamDescriptor Stream => MailchimpStreams.CampaignReports;

    public StreamSyncSettings Settings { get; } = StreamSyncSettings.For(MailchimpStreams.CampaignReports);

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var since = connection.RereadSince(Stream, request.Cursor);
        var pages = Pager.ByOffsetAsync(
            (offset, count, ct) => connection.Api.GetReportsAsync(since, offset, count, ct), p => p.Reports.Count, p => MailchimpPages.Total(p, connection.PageSize), connection.PageSize, cancellationToken);
        await foreach (var page in pages)
        {
            yield return RowConverter.Batch(page.Reports, ToRow, MailchimpJson.Default.ReportItem);
        }
    }

    private static object?[] ToRow(ReportItem r, RowConverter c) =>
    [
        c.Required(r.Id, "id"), r.ListId, r.CampaignTitle, r.Type, c.Time(r.SendTime, "send_time"),
        r.EmailsSent, r.Bounces?.HardBounces, r.Bounces?.SoftBounces, r.Bounces?.SyntaxErrors, r.AbuseReports, r.Unsubscribed,
        r.Opens?.OpensTotal, r.Opens?.UniqueOpens, r.Opens?.OpenRate, c.Time(r.Opens?.LastOpen, "opens.last_open"),
        r.Clicks?.ClicksTotal, r.Clicks?.UniqueClicks, r.Clicks?.UniqueSubscriberClicks, r.Clicks?.ClickRate, c.Time(r.Clicks?.LastClick, "clicks.last_click"),
        r.Ecommerce?.TotalOrders, r.Ecommerce?.TotalSpent, r.Ecommerce?.TotalRevenue, r.Ecommerce?.CurrencyCode,
        r.Opens?.ProxyExcludedOpens, r.Opens?.ProxyExcludedUniqueOpens, r.Opens?.ProxyExcludedOpenRate,
    ];
}

/// <summary>
/// Daily list activity for a window. The endpoint returns the last 180 days at once (newest first); only the
/// window's days are emitted, so the loader replaces exactly those.
/// </summary>
internal sealed class ListActivityReader(MailchimpConnection connection, StreamSyncSettings settings) : IStreamReader
{
    public StreamDescriptor Stream => MailchimpStreams.ListActivityDaily;

    public StreamSyncSettings Settings => settings;

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.From is not { } from || request.To is not { } to)
        {
            throw new ArgumentException("mailchimp.list_activity_daily is a report stream and needs a date window", nameof(request));
        }

        var lists = await connection.GetListsAsync(cancellationToken);
        var batches = ConcurrentPaging.FanOutAsync(lists, connection.Concurrency, (list, ct) => ReadListAsync(list.Id, from, to, ct), cancellationToken);
        await foreach (var batch in batches)
        {
            yield return batch;
        }
    }

    private async IAsyncEnumerable<RecordBatch> ReadListAsync(string listId, DateOnly from, DateOnly to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = Pager.ByOffsetAsync(
            (offset, count, ct) => connection.Api.GetActivityAsync(listId, offset, count, ct), p => p.Activity.Count, p => MailchimpPages.Total(p, connection.PageSize), connection.PageSize, cancellationToken);
        await foreach (var page in pages)
        {
            var inWindow = page.Activity.Where(a => !DateOnly.TryParseExact(a.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) || (day >= from && day <= to));
            yield return RowConverter.Batch(inWindow.ToList(), (a, c) => ToRow(listId, a, c), MailchimpJson.Default.ActivityItem);
        }
    }

    private static object?[] ToRow(string listId, ActivityItem a, RowConverter c) =>
    [
        listId, c.Day(a.Day, "day"), a.EmailsSent, a.UniqueOpens, a.RecipientClicks, a.HardBounce, a.SoftBounce, a.Subs, a.Unsubs, a.OtherAdds, a.OtherRemoves,
    ];
}

/// <summary>
/// Members changed since the cursor (<c>since_last_changed</c>, with a day of overlap because the cursor is the latest
/// change over all lists), every member of a list created after it; pages of one list are fetched in parallel.
/// The address is hashed here and goes no further.
/// </summary>
internal sealed class ListMembersReader(MailchimpConnection connection) : IStreamReader
{
    private static readonly TimeSpan CursorOverlap = TimeSpan.FromDays(1);

    public StreamDescriptor Stream => MailchimpStreams.ListMembers;

    public StreamSyncSettings Settings { get; } = StreamSyncSettings.For(MailchimpStreams.ListMembers);

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        DateTimeOffset? since = StreamCursor.Parse(Stream, request.Cursor)?.AsTimestamp() - CursorOverlap;
        foreach (var list in await connection.GetListsAsync(cancellationToken))
        {
            var listSince = since is { } s && (list.DateCreated is not { } created || created <= s) ? since : null;
            var pages = ConcurrentPaging.ByOffsetAsync(
                (offset, count, ct) => connection.Api.GetMembersAsync(list.Id, listSince, offset, count, ct),
                p => p.Members.Count,
                p => MailchimpPages.Total(p, connection.PageSize),
                connection.PageSize,
                connection.Concurrency,
                cancellationToken);
            await foreach (var page in pages)
            {
                yield return RowConverter.Batch(page.Members, (m, c) => ToRow(list.Id, m, c), MailchimpJson.Default.MemberItem, Redact);
            }
        }
    }

    private static object?[] ToRow(string listId, MemberItem m, RowConverter c) =>
    [
        listId, c.Required(m.Id, "id"), c.EmailSha256(m.EmailAddress), m.Status, m.Source, m.MemberRating,
        c.Time(m.TimestampOpt, "timestamp_opt"), c.Time(m.LastChanged, "last_changed"),
    ];

    private static MemberItem Redact(MemberItem m) => m with { EmailAddress = RowConverter.Redacted(m.EmailAddress) };
}

/// <summary>
/// Unsubscribes of campaigns sent after the cursor or in the last N days (they keep coming after a send). The
/// report list says how many each campaign has, so campaigns without any cost no request.
/// </summary>
internal sealed class UnsubscribesReader(MailchimpConnection connection) : IStreamReader
{
    public StreamDescriptor Stream => MailchimpStreams.Unsubscribes;

    public StreamSyncSettings Settings { get; } = StreamSyncSettings.For(MailchimpStreams.Unsubscribes);

    public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var since = connection.RereadSince(Stream, request.Cursor);
        var campaigns = new List<string>();
        var reports = Pager.ByOffsetAsync(
            (offset, count, ct) => connection.Api.GetReportsAsync(since, offset, count, ct), p => p.Reports.Count, p => MailchimpPages.Total(p, connection.PageSize), connection.PageSize, cancellationToken);
        await foreach (var page in reports)
        {
            campaigns.AddRange(page.Reports.Where(r => r.Id is { Length: > 0 } && r.Unsubscribed is not 0).Select(r => r.Id!));
        }

        var batches = ConcurrentPaging.FanOutAsync(campaigns.Distinct(StringComparer.Ordinal).ToList(), connection.Concurrency, ReadCampaignAsync, cancellationToken);
        await foreach (var batch in batches)
        {
            yield return batch;
        }
    }

    private async IAsyncEnumerable<RecordBatch> ReadCampaignAsync(string campaignId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var pages = Pager.ByOffsetAsync(
            (offset, count, ct) => FetchAsync(campaignId, offset, count, ct), p => p.Unsubscribes.Count, p => MailchimpPages.Total(p, connection.PageSize), connection.PageSize, cancellationToken);
        await foreach (var page in pages)
        {
            yield return RowConverter.Batch(page.Unsubscribes, (u, c) => ToRow(campaignId, u, c), MailchimpJson.Default.UnsubscribeItem, Redact);
        }
    }

    /// <summary>A campaign deleted since the report list was read has no unsubscribes to give.</summary>
    private async Task<UnsubscribesPage> FetchAsync(string campaignId, long offset, int count, CancellationToken cancellationToken)
    {
        try
        {
            return await connection.Api.GetUnsubscribesAsync(campaignId, offset, count, cancellationToken);
        }
        catch (SourceHttpException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return new UnsubscribesPage();
        }
    }

    private static object?[] ToRow(string campaignId, UnsubscribeItem u, RowConverter c) =>
    [
        u.CampaignId is { Length: > 0 } id ? id : campaignId, c.EmailSha256(u.EmailAddress), u.ListId, c.Time(u.Timestamp, "timestamp"), u.Reason,
    ];

    private static UnsubscribeItem Redact(UnsubscribeItem u) => u with { EmailAddress = RowConverter.Redacted(u.EmailAddress) };
}

/// <summary>
/// Turns one API item into a typed row, collecting the first problem; an item with a problem becomes a reject whose
/// payload is the item as JSON (with any address replaced by its hash).
/// </summary>
internal sealed class RowConverter
{
    public string? Problem { get; private set; }

    public static RecordBatch Batch<T>(IReadOnlyList<T> items, Func<T, RowConverter, object?[]> toRow, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, Func<T, T>? redact = null)
    {
        var rows = new List<object?[]>(items.Count);
        var rejects = new List<RejectedRecord>();
        foreach (var item in items)
        {
            var c = new RowConverter();
            var row = toRow(item, c);
            if (c.Problem is { } problem)
            {
                rejects.Add(new RejectedRecord(problem, JsonSerializer.Serialize(redact is null ? item : redact(item), typeInfo)));
            }
            else
            {
                rows.Add(row);
            }
        }

        return new RecordBatch(rows, rejects);
    }

    public string? Required(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            Problem ??= $"'{field}' is missing";
            return null;
        }

        return value;
    }

    /// <summary>Mailchimp times are ISO 8601 with an offset; "" means not set.</summary>
    public DateTime? Time(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value.UtcDateTime;
        }

        Problem ??= $"'{field}' value '{text}' is not an ISO 8601 time";
        return null;
    }

    public DateOnly? Day(string? text, string field)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        Problem ??= $"'{field}' value '{text}' is not a yyyy-MM-dd day";
        return null;
    }

    public string? EmailSha256(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            Problem ??= "'email_address' is missing";
            return null;
        }

        return EmailHash.Sha256(email);
    }

    public static string? Redacted(string? email) => string.IsNullOrWhiteSpace(email) ? email : "sha256:" + EmailHash.Sha256(email);
}
