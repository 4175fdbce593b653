using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Meta;

/// <summary>
/// One ad account. Every call goes through <see cref="CallAsync"/>: after a successful response the usage Meta
/// reported is read and, past the pacing threshold, the connection pauses briefly (bounded) so the account stays
/// under Meta's limits; once Meta throttles for longer than the run waits, further calls fail at once so the run
/// stops cleanly with what it committed.
/// </summary>
internal sealed class MetaConnection : ISourceConnection, IAccountDataStart
{
    private readonly ApiCallCounter counter;
    private readonly MetaUsageTracker usage;
    private readonly TimeProvider clock;
    private readonly ILogger logger;
    private readonly MetaOptions options;
    private string? throttledReason;

    public MetaConnection(
        string accountId,
        MetaAdAccountNode account,
        TimeZoneInfo timeZone,
        MetaGraphClient client,
        ApiCallCounter counter,
        MetaUsageTracker usage,
        MetaOptions options,
        IReadOnlyList<MetaInsightsReport> reports,
        TimeProvider clock,
        ILogger logger)
    {
        AccountId = accountId;
        Account = account;
        TimeZone = timeZone;
        Client = client;
        this.counter = counter;
        this.usage = usage;
        this.options = options;
        this.clock = clock;
        this.logger = logger;
        var settings = new StreamSyncSettings(options.LookbackDays, options.FirstRunDays, options.ChunkDays, MetaOptions.MaxHistoryDays);
        Streams =
        [
            new MetaAccountReader(this),
            new MetaEntityReader(this, MetaStreams.Campaigns, "campaigns", options.PageSize),
            new MetaEntityReader(this, MetaStreams.AdSets, "adsets", options.PageSize),
            new MetaEntityReader(this, MetaStreams.Ads, "ads", options.PageSize),
            .. reports.Select(r => (IStreamReader)new MetaInsightsReader(this, r, settings, options, logger)),
        ];
    }

    public string Source => MetaStreams.Source;

    public string AccountId { get; }

    /// <summary>The ad account node as read at connect (name, currency, timezone_name).</summary>
    public MetaAdAccountNode Account { get; }

    public TimeZoneInfo TimeZone { get; }

    public IReadOnlyList<IStreamReader> Streams { get; }

    public long ApiCalls => counter.Requests;

    public MetaGraphClient Client { get; }

    public TimeProvider Clock => clock;

    /// <summary>Runs one Graph API call, then paces on the usage the response reported.</summary>
    public async Task<T> CallAsync<T>(Func<MetaGraphClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        if (throttledReason is not null)
        {
            throw new MetaThrottledException(AccountId, throttledReason);
        }

        T result;
        try
        {
            result = await call(Client, cancellationToken);
        }
        catch (SourceThrottledException ex)
        {
            throttledReason = ex.Reason;
            throw new MetaThrottledException(AccountId, ex.Reason, ex);
        }

        await PaceAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// The day (in the account's zone) of the ad account's <c>created_time</c>, read with the node at connect: no
    /// extra request. Absent or unreadable: null, the configured first-run start applies.
    /// </summary>
    public Task<DateOnly?> GetDataStartAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Account.CreatedTime is { } text && MetaValues.TryTimestamp(text, out var utc)
            ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZone))
            : (DateOnly?)null);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"meta ad account {AccountId}");

    private async Task PaceAsync(CancellationToken cancellationToken)
    {
        var last = usage.Last;
        var pause = last.PauseFor(options.PacingThresholdPercent, options.PacingMaxPause);
        if (pause <= TimeSpan.Zero)
        {
            return;
        }

        logger.LogWarning("Meta ad account {Account}: usage at {Usage}; pausing {Seconds:0.0} s", AccountId, last.ToString(), pause.TotalSeconds);
        await Task.Delay(pause, clock, cancellationToken);
    }
}
