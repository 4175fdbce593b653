using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.Connectors.Http;

/// <summary>Hands out the resilience pipeline of a source account.</summary>
public interface ISourcePipelineProvider
{
    /// <summary>
    /// The pipeline for <paramref name="accountKey"/>, built from <paramref name="options"/> on first use. Later
    /// calls with the same key get the same instance (and so the same limiters and circuit breaker) whatever
    /// options they pass.
    /// </summary>
    ResiliencePipeline<HttpResponseMessage> GetPipeline(string accountKey, SourceHttpOptions options);
}

/// <summary>
/// Builds one Polly pipeline per source account and keeps it for the life of the process (a DI singleton), so
/// every connection of an account shares its limiters while different accounts never do.
/// </summary>
/// <remarks>
/// Order, outermost first: total timeout → retry → circuit breaker → concurrency limiter → rate limiter →
/// attempt timeout. Limiters sit inside the retry so every attempt is a metered call; the attempt timeout sits
/// inside the limiters so queueing for a permit does not count against it.
/// </remarks>
public sealed class SourcePipelineProvider : ISourcePipelineProvider, IDisposable, IAsyncDisposable
{
    private static readonly HashSet<HttpStatusCode> TransientStatuses =
    [
        HttpStatusCode.RequestTimeout,
        HttpStatusCode.TooManyRequests,
        HttpStatusCode.InternalServerError,
        HttpStatusCode.BadGateway,
        HttpStatusCode.ServiceUnavailable,
        HttpStatusCode.GatewayTimeout,
    ];

    private readonly ResiliencePipelineRegistry<string> _registry = new();
    private readonly TimeProvider _timeProvider;

    public SourcePipelineProvider(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public ResiliencePipeline<HttpResponseMessage> GetPipeline(string accountKey, SourceHttpOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountKey);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return _registry.GetOrAddPipeline<HttpResponseMessage>(accountKey, (builder, context) =>
        {
            builder.TimeProvider = _timeProvider;
            var limiter = Configure(builder, options, _timeProvider);
            if (limiter is not null)
            {
                context.OnPipelineDisposed(limiter.Dispose);
            }
        });
    }

    public void Dispose() => _registry.Dispose();

    public ValueTask DisposeAsync() => _registry.DisposeAsync();

    /// <summary>Decides, after each attempt, whether and how long to wait; read by the retry strategy and the handler.</summary>
    internal static async ValueTask<AttemptVerdict> JudgeAsync(
        HttpResponseMessage response, SourceHttpOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return AttemptVerdict.Done;
        }

        ThrottleDecision? signal = null;
        if (options.ThrottleSignal is { } interpreter)
        {
            try
            {
                signal = await interpreter.InterpretAsync(response, cancellationToken);
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                // The body of an error response died on the way in; the status code alone still decides.
            }
        }

        if (signal is { Stop: true })
        {
            return AttemptVerdict.StopWith(signal.Reason, null);
        }

        var wait = signal?.Delay ?? RetryAfter.From(response, timeProvider.GetUtcNow());
        if (signal is null && !TransientStatuses.Contains(response.StatusCode))
        {
            return AttemptVerdict.Done;
        }

        if (wait > options.MaxRetryAfter)
        {
            var reason = signal?.Reason ?? "server asked to retry after";
            return AttemptVerdict.StopWith(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{reason}: requested wait {wait.Value.TotalSeconds:0.#}s exceeds the {options.MaxRetryAfter.TotalSeconds:0.#}s limit"),
                wait);
        }

        return AttemptVerdict.RetryAfter(wait);
    }

    internal static bool IsTransientException(Exception? exception) =>
        exception is HttpRequestException or TimeoutRejectedException;

    private static PartitionedRateLimiter<string>? Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, SourceHttpOptions options, TimeProvider timeProvider)
    {
        builder.AddTimeout(options.TotalTimeout);

        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxDelay,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e
                        ? IsTransientException(e)
                        : AttemptVerdict.TryOf(args.Context) is { } verdict
                            ? verdict.Retry
                            : args.Outcome.Result is { } r && TransientStatuses.Contains(r.StatusCode)),
                // Null falls back to the jittered exponential backoff.
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Exception is not null ? null
                    : AttemptVerdict.TryOf(args.Context) is { } verdict ? verdict.Delay
                    : args.Outcome.Result is { } r ? RetryAfter.From(r, timeProvider.GetUtcNow())
                    : null),
            });
        }

        if (options.CircuitBreaker.Enabled)
        {
            var cb = options.CircuitBreaker;
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = cb.FailureRatio,
                MinimumThroughput = cb.MinimumThroughput,
                SamplingDuration = cb.SamplingDuration,
                BreakDuration = cb.BreakDuration,
                // Throttling means the API is up and metering us; only outages should trip the breaker.
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is { } e
                        ? IsTransientException(e)
                        : args.Outcome.Result is { } r && (r.StatusCode == HttpStatusCode.RequestTimeout || (int)r.StatusCode >= 500)),
            });
        }

        if (options.MaxConcurrentRequests is { } maxConcurrent)
        {
            builder.AddConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = maxConcurrent,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
        }

        PartitionedRateLimiter<string>? limiter = null;
        if (options.RateLimit is not null || options.EndpointRateLimits.Count > 0)
        {
            limiter = CreateRateLimiter(options.RateLimit, options.EndpointRateLimits);
            builder.AddRateLimiter(new RateLimiterStrategyOptions
            {
                RateLimiter = args => limiter.AcquireAsync(
                    args.Context.Properties.GetValue(SourceResilienceHandler.EndpointClassProperty, string.Empty),
                    1,
                    args.Context.CancellationToken),
            });
        }

        builder.AddTimeout(options.AttemptTimeout);
        return limiter;
    }

    /// <summary>
    /// One partition per endpoint class with its own limit, one general partition for everything else. A tagged
    /// request takes a permit only from its class's limiter: the API meters those calls separately.
    /// </summary>
    private static PartitionedRateLimiter<string> CreateRateLimiter(RateLimit? general, IDictionary<string, RateLimit> byClass)
    {
        const string GeneralPartition = "";
        var classes = new Dictionary<string, RateLimit>(byClass, StringComparer.Ordinal);
        return PartitionedRateLimiter.Create<string, string>(endpointClass =>
        {
            if (classes.TryGetValue(endpointClass, out var limit))
            {
                return RateLimitPartition.GetSlidingWindowLimiter(endpointClass, _ => ToOptions(limit));
            }

            return general is null
                ? RateLimitPartition.GetNoLimiter(GeneralPartition)
                : RateLimitPartition.GetSlidingWindowLimiter(GeneralPartition, _ => ToOptions(general));
        }, StringComparer.Ordinal);
    }

    private static SlidingWindowRateLimiterOptions ToOptions(RateLimit limit) => new()
    {
        PermitLimit = limit.PermitLimit,
        Window = limit.Window,
        SegmentsPerWindow = limit.SegmentsPerWindow,
        // Waiting is the point: a request over the limit queues for the next permit rather than failing.
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        AutoReplenishment = true,
    };
}

/// <summary>The outcome of one attempt as judged by <see cref="SourcePipelineProvider.JudgeAsync"/>.</summary>
internal readonly record struct AttemptVerdict(bool Retry, TimeSpan? Delay, string? StopReason)
{
    internal static readonly ResiliencePropertyKey<AttemptVerdict> Key = new("Pipeline.AttemptVerdict");

    public static AttemptVerdict Done => default;

    public static AttemptVerdict RetryAfter(TimeSpan? delay) => new(true, delay, null);

    public static AttemptVerdict StopWith(string reason, TimeSpan? requestedWait) => new(false, requestedWait, reason);

    /// <summary>
    /// The verdict <see cref="SourceResilienceHandler"/> recorded for the last attempt; null when the pipeline runs
    /// without that handler, and the plain status-code rules apply.
    /// </summary>
    public static AttemptVerdict? TryOf(ResilienceContext context) =>
        context.Properties.TryGetValue(Key, out var verdict) ? verdict : null;
}
