using Pipeline.Connectors.Auth;

namespace Pipeline.Connectors.Http;

/// <summary>
/// How one source account talks HTTP. A connector ships defaults (real endpoint, the API's published limits);
/// configuration overrides them per account (a sandbox base address, a lower rate for a shared app).
/// </summary>
public sealed class SourceHttpOptions
{
    /// <summary>The API root; relative request URIs resolve against it. Sandbox accounts override the connector's default.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>
    /// Identifies the account whose limits are shared: every client with the same key shares one circuit breaker,
    /// concurrency limiter and rate limiter, because the API counts calls per account (or token), not per
    /// connection. Null means the HTTP client name.
    /// </summary>
    public string? AccountKey { get; set; }

    /// <summary>One attempt (send until response headers, plus reading a throttle body) may take this long.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Everything one request may take, retries, backoff and limiter queues included. Keeps a stuck account from
    /// holding a run forever; HttpClient's own 100 s timeout is switched off in favour of this.
    /// </summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Attempts per request including the first; 1 disables retries.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>First backoff step; later ones grow exponentially with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Cap on computed backoff (not on waits the server asks for: see <see cref="MaxRetryAfter"/>).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest server-requested wait (Retry-After or a throttle signal) that is honoured. A longer one means
    /// the quota is gone for a while: the request fails with <see cref="SourceThrottledException"/> so the run can
    /// stop and resume from its committed cursor instead of sleeping for an hour.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(2);

    public CircuitBreakerSettings CircuitBreaker { get; set; } = new();

    /// <summary>
    /// Requests of this account in flight at once; null for no cap. A permit is held until the response headers
    /// arrive (the handler chain ends there), not while the caller reads the body.
    /// </summary>
    public int? MaxConcurrentRequests { get; set; } = 4;

    /// <summary>General rate limit of the account; null for none.</summary>
    public RateLimit? RateLimit { get; set; }

    /// <summary>
    /// Separate limits for endpoint classes the API meters on their own (HubSpot search: 5 per second). A request
    /// tagged with <see cref="SourceRequestOptions.SetEndpointClass"/> takes a permit from its class's limiter
    /// instead of the general one.
    /// </summary>
    public IDictionary<string, RateLimit> EndpointRateLimits { get; } = new Dictionary<string, RateLimit>(StringComparer.Ordinal);

    /// <summary>Reads the source's own throttle signals (headers, error bodies); null to rely on status codes and Retry-After.</summary>
    public IThrottleSignal? ThrottleSignal { get; set; }

    /// <summary>Where the token goes on each request.</summary>
    public TokenPlacement TokenPlacement { get; set; } = TokenPlacement.Bearer;

    public string UserAgent { get; set; } = "Pipeline/0.1";

    /// <summary>Throws when a value is out of range, so a bad config fails at startup rather than mid-run.</summary>
    public void Validate()
    {
        if (BaseAddress is { IsAbsoluteUri: false })
        {
            throw new ArgumentException($"BaseAddress '{BaseAddress}' must be absolute", nameof(BaseAddress));
        }

        RequirePositive(AttemptTimeout, nameof(AttemptTimeout));
        RequirePositive(TotalTimeout, nameof(TotalTimeout));
        RequirePositive(MaxDelay, nameof(MaxDelay));
        if (BaseDelay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(BaseDelay), BaseDelay, "must not be negative");
        }

        if (MaxRetryAfter < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetryAfter), MaxRetryAfter, "must not be negative");
        }

        if (MaxAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "must be at least 1");
        }

        if (MaxConcurrentRequests is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrentRequests), MaxConcurrentRequests, "must be at least 1");
        }

        CircuitBreaker.Validate();
        RateLimit?.Validate();
        foreach (var (name, limit) in EndpointRateLimits)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException("endpoint class names must not be blank", nameof(EndpointRateLimits));
            }

            limit.Validate();
        }
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, value, "must be positive");
        }
    }
}

/// <summary>At most <paramref name="PermitLimit"/> requests per rolling <paramref name="Window"/>.</summary>
public sealed record RateLimit(int PermitLimit, TimeSpan Window)
{
    /// <summary>Sub-windows of the rolling window; more segments follow a true rolling window more closely.</summary>
    public int SegmentsPerWindow { get; init; } = 4;

    internal void Validate()
    {
        if (PermitLimit < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PermitLimit), PermitLimit, "must be at least 1");
        }

        if (Window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Window), Window, "must be positive");
        }

        if (SegmentsPerWindow < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SegmentsPerWindow), SegmentsPerWindow, "must be at least 1");
        }
    }
}

/// <summary>
/// Stops hammering an account whose API is down: once <see cref="FailureRatio"/> of at least
/// <see cref="MinimumThroughput"/> attempts within <see cref="SamplingDuration"/> failed (5xx, 408, timeouts,
/// connection errors; throttling does not count), requests fail fast for <see cref="BreakDuration"/>.
/// </summary>
public sealed class CircuitBreakerSettings
{
    public bool Enabled { get; set; } = true;
    public double FailureRatio { get; set; } = 0.5;
    public int MinimumThroughput { get; set; } = 10;
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (FailureRatio is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(FailureRatio), FailureRatio, "must be in (0, 1]");
        }

        if (MinimumThroughput < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumThroughput), MinimumThroughput, "must be at least 2");
        }

        if (SamplingDuration < TimeSpan.FromMilliseconds(500) || BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            throw new ArgumentOutOfRangeException(nameof(SamplingDuration), "sampling and break durations must be at least 500 ms");
        }
    }
}
