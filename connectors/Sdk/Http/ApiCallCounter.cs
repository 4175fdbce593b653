using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Pipeline.Connectors.Http;

/// <summary>
/// Running totals of calls to one source (one per HTTP client name), read by the run log. Thread-safe: every
/// connection of the account records into the same instance.
/// </summary>
public sealed class ApiCallCounter
{
    private readonly ConcurrentDictionary<int, long> _byStatus = new();
    private long _requests;
    private long _retries;
    private long _failures;

    /// <summary>Requests that went to the wire, retries included.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests that repeated an earlier one (resilience retries and the re-send after a 401).</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Requests that got no response (connection errors, attempt timeouts, cancellations).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public IReadOnlyDictionary<int, long> ByStatus => new SortedDictionary<int, long>(_byStatus);

    public ApiCallStats Snapshot() => new(Requests, Retries, Failures, ByStatus);

    internal void RecordAttempt(bool isRetry)
    {
        Interlocked.Increment(ref _requests);
        if (isRetry)
        {
            Interlocked.Increment(ref _retries);
        }
    }

    internal void RecordStatus(int status) => _byStatus.AddOrUpdate(status, 1, static (_, n) => n + 1);

    internal void RecordFailure() => Interlocked.Increment(ref _failures);
}

public sealed record ApiCallStats(long Requests, long Retries, long Failures, IReadOnlyDictionary<int, long> ByStatus);

/// <summary>
/// Innermost SDK handler: counts each attempt as it goes to the wire and logs it with secrets masked.
/// </summary>
public sealed class ApiCallCountingHandler : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<bool> SentBefore = new("Pipeline.SentBefore");

    private readonly ApiCallCounter _counter;
    private readonly ILogger _logger;

    public ApiCallCountingHandler(ApiCallCounter counter, ILogger? logger = null)
    {
        _counter = counter;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The same message object comes back through here on every retry, so "seen before" means "a retry".
        var isRetry = request.Options.TryGetValue(SentBefore, out _);
        request.Options.Set(SentBefore, true);
        _counter.RecordAttempt(isRetry);

        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            _counter.RecordStatus((int)response.StatusCode);
            _logger.LogDebug(
                "{Method} {Url} -> {Status} in {ElapsedMs} ms{Retry}",
                request.Method,
                SecretRedactor.RedactUrl(request.RequestUri),
                (int)response.StatusCode,
                (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                isRetry ? " (retry)" : string.Empty);
            return response;
        }
        catch (Exception e)
        {
            _counter.RecordFailure();
            _logger.LogDebug(
                "{Method} {Url} failed after {ElapsedMs} ms: {Error}",
                request.Method,
                SecretRedactor.RedactUrl(request.RequestUri),
                (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                e.GetType().Name);
            throw;
        }
    }
}
