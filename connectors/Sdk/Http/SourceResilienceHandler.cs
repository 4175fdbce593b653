using Polly;

namespace Pipeline.Connectors.Http;

/// <summary>
/// Runs every request through the account's resilience pipeline. Sits inside <c>AuthHandler</c> (a 401 retry
/// is a fresh trip through the pipeline) and outside <see cref="ApiCallCountingHandler"/> (every attempt is
/// counted).
/// </summary>
/// <remarks>
/// Requests are re-sent as they are, so their content must be re-readable (string, bytes, form content); a
/// streamed upload cannot be retried here.
/// </remarks>
public sealed class SourceResilienceHandler : DelegatingHandler
{
    internal static readonly ResiliencePropertyKey<string> EndpointClassProperty = new("Pipeline.EndpointClass");

    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly SourceHttpOptions _options;
    private readonly TimeProvider _timeProvider;

    public SourceResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline, SourceHttpOptions options, TimeProvider? timeProvider = null)
    {
        _pipeline = pipeline;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            if (request.GetEndpointClass() is { } endpointClass)
            {
                context.Properties.Set(EndpointClassProperty, endpointClass);
            }

            var outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    ctx.Properties.Set(AttemptVerdict.Key, AttemptVerdict.Done);
                    HttpResponseMessage? response = null;
                    try
                    {
                        response = await state.Handler.SendOnceAsync(state.Request, ctx.CancellationToken);
                        var verdict = await SourcePipelineProvider.JudgeAsync(response, state.Handler._options, state.Handler._timeProvider, ctx.CancellationToken);
                        ctx.Properties.Set(AttemptVerdict.Key, verdict);
                        return Outcome.FromResult(response);
                    }
                    catch (Exception e)
                    {
                        // Judging reads the body of error responses; if that fails the response is ours to release.
                        response?.Dispose();
                        return Outcome.FromException<HttpResponseMessage>(e);
                    }
                },
                context,
                (Handler: this, Request: request));

            if (outcome.Result is { } result && AttemptVerdict.TryOf(context) is { StopReason: { } reason } verdict)
            {
                var status = result.StatusCode;
                result.Dispose();
                throw new SourceThrottledException(reason, status, SecretRedactor.RedactUrl(request.RequestUri), verdict.Delay);
            }

            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
