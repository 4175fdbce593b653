using Pipeline.Connectors.Http;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.HubSpot;

/// <summary>One HubSpot portal, its credential usable and its portal id known.</summary>
internal sealed class HubSpotConnection : ISourceConnection
{
    private readonly ApiCallCounter counter;
    private readonly TimeProvider clock;
    private IReadOnlyList<PipelineItem>? pipelines;

    public HubSpotConnection(string accountId, TimeZoneInfo timeZone, HubSpotApiClient api, ApiCallCounter counter, HubSpotOptions options, TimeProvider clock)
    {
        AccountId = accountId;
        TimeZone = timeZone;
        Api = api;
        Options = options;
        this.counter = counter;
        this.clock = clock;
        var streams = HubSpotStreams.For(options);
        Streams =
        [
            new CrmObjectReader(this, CrmObjectKind.Contacts(streams.Contacts, options.ContactProperties)),
            new CrmObjectReader(this, CrmObjectKind.Companies(streams.Companies, options.CompanyProperties)),
            new CrmObjectReader(this, CrmObjectKind.Deals(streams.Deals, options.DealProperties)),
            new DealAssociationsReader(this),
            new DealPipelinesReader(this),
        ];
    }

    public string Source => HubSpotStreams.Source;

    public string AccountId { get; }

    public TimeZoneInfo TimeZone { get; }

    public IReadOnlyList<IStreamReader> Streams { get; }

    public long ApiCalls => counter.Requests;

    public HubSpotApiClient Api { get; }

    public HubSpotOptions Options { get; }

    public DateTimeOffset Now => clock.GetUtcNow();

    /// <summary>Deal pipelines, read once per connection (deals need their stage ids, the pipelines stream their rows).</summary>
    public async Task<IReadOnlyList<PipelineItem>> GetPipelinesAsync(CancellationToken cancellationToken) =>
        pipelines ??= (await Api.GetDealPipelinesAsync(cancellationToken)).Results;

    /// <summary>Where a later run's search starts: the committed cursor minus the overlap; null on the first run.</summary>
    public DateTimeOffset? SearchFrom(StreamDescriptor stream, string? cursor) =>
        StreamCursor.Parse(stream, cursor) is { } committed ? committed.AsTimestamp() - Options.IncrementalOverlap : null;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override string ToString() => $"hubspot portal {AccountId}";
}
