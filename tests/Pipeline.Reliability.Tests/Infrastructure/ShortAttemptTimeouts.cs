using Pipeline.Connectors.Http;
using Polly;

namespace Pipeline.Reliability.Tests.Infrastructure;

/// <summary>
/// Gives every source account a short per-attempt timeout, so a slow sandbox response really runs past it (the
/// connectors' own timeouts are one to two minutes, sized for real APIs). Everything else about the account's
/// resilience pipeline is the connector's.
/// </summary>
internal sealed class ShortAttemptTimeouts(TimeSpan attemptTimeout, TimeProvider clock) : ISourcePipelineProvider, IDisposable
{
    private readonly SourcePipelineProvider inner = new(clock);

    public ResiliencePipeline<HttpResponseMessage> GetPipeline(string accountKey, SourceHttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AttemptTimeout = attemptTimeout;
        return inner.GetPipeline(accountKey, options);
    }

    public void Dispose() => inner.Dispose();
}
