using Pipeline.Connectors.Auth;
using Pipeline.Connectors.Http;

namespace Pipeline.Connectors.Sdk.Tests.Support;

internal static class TestClients
{
    /// <summary>Options that keep tests quick: short backoff, no breaker or limiters unless a test turns them on.</summary>
    public static SourceHttpOptions FastOptions(FakeApi api) => new()
    {
        BaseAddress = api.BaseAddress,
        AttemptTimeout = TimeSpan.FromSeconds(10),
        TotalTimeout = TimeSpan.FromSeconds(30),
        MaxAttempts = 3,
        BaseDelay = TimeSpan.FromMilliseconds(10),
        MaxDelay = TimeSpan.FromMilliseconds(50),
        CircuitBreaker = new CircuitBreakerSettings { Enabled = false },
        MaxConcurrentRequests = null,
    };

    /// <summary>The handler chain <see cref="SourceHttpServiceCollectionExtensions.AddSourceHttpClient"/> builds, without DI.</summary>
    public static HttpClient Create(
        SourceHttpOptions options,
        ISourcePipelineProvider? pipelines = null,
        string accountKey = "account",
        ITokenProvider? tokens = null,
        ApiCallCounter? counter = null,
        Func<HttpMessageHandler, HttpMessageHandler>? wrapInner = null)
    {
        pipelines ??= new SourcePipelineProvider();
        HttpMessageHandler inner = new SocketsHttpHandler();
        inner = wrapInner?.Invoke(inner) ?? inner;
        HttpMessageHandler handler = new ApiCallCountingHandler(counter ?? new ApiCallCounter()) { InnerHandler = inner };
        handler = new SourceResilienceHandler(pipelines.GetPipeline(accountKey, options), options) { InnerHandler = handler };
        if (tokens is not null)
        {
            handler = new AuthHandler(tokens, options.TokenPlacement) { InnerHandler = handler };
        }

        return new HttpClient(handler) { BaseAddress = options.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
    }
}

/// <summary>A clock tests move by hand; only wall-clock reads are faked, timers stay real.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
