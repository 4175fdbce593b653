using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Ga4;

/// <summary>
/// One GA4 property. Every response's <c>propertyQuota</c> is read: when the hourly tokens run low the
/// connection paces itself, and once the daily quota is spent it refuses further requests so the run stops
/// cleanly with what it committed.
/// </summary>
internal sealed class Ga4Connection : ISourceConnection, IAccountDataStart
{
    private readonly Ga4DataApiClient client;
    private readonly ApiCallCounter counter;
    private readonly ILogger logger;
    private readonly TimeProvider clock;
    private readonly Uri adminBaseUrl;
    private string? dailyQuotaSpent;

    public Ga4Connection(
        Ga4PropertyOptions property, Ga4DataApiClient client, ApiCallCounter counter, TimeZoneInfo timeZone,
        IReadOnlyList<Ga4Report> reports, TimeProvider clock, ILogger logger, Uri adminBaseUrl)
    {
        this.client = client;
        this.adminBaseUrl = adminBaseUrl;
        this.counter = counter;
        this.clock = clock;
        this.logger = logger;
        AccountId = property.PropertyId;
        TimeZone = timeZone;
        var settings = new StreamSyncSettings(property.LookbackDays, property.FirstRunDays, property.ChunkDays);
        Streams = reports.Select(r => (IStreamReader)new Ga4ReportReader(this, r, settings, property.PageSize)).ToList();
    }

    public string Source => Ga4Report.Source;

    public string AccountId { get; }

    public TimeZoneInfo TimeZone { get; }

    public IReadOnlyList<IStreamReader> Streams { get; }

    public long ApiCalls => counter.Requests;

    /// <summary>The last quota figures GA4 reported for this property.</summary>
    public PropertyQuota? LastQuota { get; private set; }

    public async Task<RunReportResponse> RunReportAsync(RunReportRequest request, CancellationToken cancellationToken)
    {
        if (dailyQuotaSpent is not null)
        {
            throw new Ga4QuotaExhaustedException(AccountId, dailyQuotaSpent);
        }

        RunReportResponse response;
        try
        {
            response = await client.RunReportAsync(AccountId, request, cancellationToken);
        }
        catch (SourceThrottledException ex) when (Ga4Throttle.IsDaily(ex.Reason))
        {
            dailyQuotaSpent = ex.Reason;
            throw new Ga4QuotaExhaustedException(AccountId, ex.Reason, ex);
        }

        LastQuota = response.PropertyQuota;
        await PaceAsync(response.PropertyQuota, cancellationToken);
        return response;
    }

    /// <summary>The day (in the property's zone) of its <c>createTime</c>: nothing can be collected before it.</summary>
    public async Task<DateOnly?> GetDataStartAsync(CancellationToken cancellationToken = default)
    {
        var property = await client.GetPropertyAsync(adminBaseUrl, AccountId, cancellationToken);
        return property.CreateTime is { } created ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(created, TimeZone).DateTime) : null;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// Below 10% of the hourly tokens, wait a little before the next request so the remaining ones last until the
    /// window refills, instead of running into 429s. Bounded: pacing never stalls a run for long.
    /// </summary>
    private async Task PaceAsync(PropertyQuota? quota, CancellationToken cancellationToken)
    {
        if (quota?.TokensPerHour is not { } hour || hour.Consumed + hour.Remaining <= 0)
        {
            return;
        }

        var left = (double)hour.Remaining / (hour.Consumed + hour.Remaining);
        if (left >= 0.10)
        {
            return;
        }

        var pause = TimeSpan.FromSeconds(Math.Min(30, (0.10 - left) * 200));
        logger.LogWarning("GA4 property {Property}: {Remaining} of the hourly tokens left; pausing {Seconds:0.0} s",
            AccountId, hour.Remaining, pause.TotalSeconds);
        await Task.Delay(pause, clock, cancellationToken);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"ga4 property {AccountId}");
}

/// <summary>The property's daily token quota is spent; committed windows stay, the next run resumes from them.</summary>
public sealed class Ga4QuotaExhaustedException : Exception
{
    public Ga4QuotaExhaustedException(string propertyId, string reason, Exception? inner = null)
        : base($"GA4 property {propertyId}: daily quota exhausted ({reason}); committed windows are kept and the next run resumes after the quota resets (midnight Pacific)", inner)
    {
    }

    public Ga4QuotaExhaustedException() { }

    public Ga4QuotaExhaustedException(string message) : base(message) { }

    public Ga4QuotaExhaustedException(string message, Exception inner) : base(message, inner) { }
}
