using System.Globalization;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Paging;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Mailchimp;

/// <summary>One Mailchimp account, its credential checked and its account id and time zone known.</summary>
internal sealed class MailchimpConnection : ISourceConnection, IAccountDataStart
{
    private readonly ApiCallCounter counter;
    private readonly TimeProvider clock;
    private readonly int rereadDays;
    private IReadOnlyList<ListRef>? lists;

    public MailchimpConnection(
        string accountId, TimeZoneInfo timeZone, MailchimpApiClient api, ApiCallCounter counter, MailchimpOptions options, MailchimpAccountOptions account, TimeProvider clock)
    {
        AccountId = accountId;
        TimeZone = timeZone;
        Api = api;
        this.counter = counter;
        this.clock = clock;
        rereadDays = options.ReportRereadDays;
        PageSize = options.PageSize;
        Concurrency = account.MaxConcurrentRequests;
        var activity = new StreamSyncSettings(
            options.ActivityLookbackDays,
            FirstRunDays: MailchimpOptions.ActivityHistoryDays,
            ChunkDays: MailchimpOptions.ActivityHistoryDays,
            MaxHistoryDays: MailchimpOptions.ActivityHistoryDays);
        Streams =
        [
            new ListsReader(this),
            new CampaignsReader(this),
            new CampaignReportsReader(this),
            new ListActivityReader(this, activity),
            new ListMembersReader(this),
            new UnsubscribesReader(this),
        ];
    }

    public string Source => MailchimpStreams.Source;

    public string AccountId { get; }

    public TimeZoneInfo TimeZone { get; }

    public IReadOnlyList<IStreamReader> Streams { get; }

    public long ApiCalls => counter.Requests;

    public MailchimpApiClient Api { get; }

    public int PageSize { get; }

    /// <summary>Requests a reader keeps in flight at once (the HTTP client enforces the same cap).</summary>
    public int Concurrency { get; }

    /// <summary>
    /// <c>since_send_time</c> for streams that re-read recent campaigns: null on the first run, else the earlier of the
    /// cursor and "now minus the re-read days" (a second earlier, as the filter is exclusive).
    /// </summary>
    public DateTimeOffset? RereadSince(StreamDescriptor stream, string? cursor)
    {
        if (StreamCursor.Parse(stream, cursor)?.AsTimestamp() is not { } committed)
        {
            return null;
        }

        var recent = clock.GetUtcNow() - TimeSpan.FromDays(rereadDays);
        return (committed < recent ? committed : recent) - TimeSpan.FromSeconds(1);
    }

    /// <summary>The lists of the account (ids and creation times), read once per connection.</summary>
    public async Task<IReadOnlyList<ListRef>> GetListsAsync(CancellationToken cancellationToken)
    {
        if (lists is { } known)
        {
            return known;
        }

        var found = new List<ListRef>();
        await foreach (var page in Pager.ByOffsetAsync(Api.GetListsAsync, p => p.Lists.Count, p => MailchimpPages.Total(p, PageSize), PageSize, cancellationToken))
        {
            foreach (var list in page.Lists.Where(l => l.Id is { Length: > 0 }))
            {
                DateTimeOffset? created = DateTimeOffset.TryParse(list.DateCreated, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
                found.Add(new ListRef(list.Id!, created));
            }
        }

        lists = found.DistinctBy(l => l.Id, StringComparer.Ordinal).ToList();
        return lists;
    }

    /// <summary>
    /// The day (in the account's zone) its oldest audience was created (<c>date_created</c> of <c>GET /lists</c>,
    /// the same request the list streams use): no list activity or campaign report predates it. Null without lists
    /// or dates.
    /// </summary>
    public async Task<DateOnly?> GetDataStartAsync(CancellationToken cancellationToken = default)
    {
        var created = (await GetListsAsync(cancellationToken)).Select(l => l.DateCreated).Where(d => d is not null).Min();
        return created is { } first ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(first, TimeZone).DateTime) : null;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override string ToString() => $"mailchimp account {AccountId}";
}

internal sealed record ListRef(string Id, DateTimeOffset? DateCreated);
