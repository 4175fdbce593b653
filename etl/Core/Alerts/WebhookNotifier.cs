using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Pipeline.Etl.Alerts;

/// <summary>How hard the webhook is tried: attempts, backoff and per-attempt timeout.</summary>
public sealed record WebhookRetry(int MaxRetries, TimeSpan FirstDelay, TimeSpan AttemptTimeout)
{
    public static WebhookRetry Default { get; } = new(3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15));
}

/// <summary>
/// POSTs <c>{"text": …}</c> to a Slack- or Teams-compatible incoming webhook, retrying timeouts, 429 and 5xx with
/// exponential backoff. A webhook that stays down is logged (host only: the URL carries its token) and never fails
/// the run that raised the alert.
/// </summary>
public sealed class WebhookNotifier
{
    private readonly HttpClient http;
    private readonly Uri url;
    private readonly ILogger logger;
    private readonly ResiliencePipeline<HttpResponseMessage> pipeline;

    public WebhookNotifier(HttpClient http, Uri url, ILogger logger, WebhookRetry? retry = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        this.http = http;
        this.url = url;
        this.logger = logger;
        retry ??= WebhookRetry.Default;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = clock ?? TimeProvider.System };
        if (retry.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = retry.MaxRetries,
                Delay = retry.FirstDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = retry.FirstDelay > TimeSpan.Zero,
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500),
            });
        }

        pipeline = builder.AddTimeout(retry.AttemptTimeout).Build();
    }

    /// <summary>Where alerts go, safe to log: scheme and host, never the path with its token.</summary>
    public string Destination => $"{url.Scheme}://{url.Host}";

    /// <returns>True when the webhook accepted the alert.</returns>
    public async Task<bool> PostAsync(string text, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await pipeline.ExecuteAsync(
                async ct => await http.PostAsJsonAsync(url, new WebhookPayload(text), ct), cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            logger.LogWarning("Alert webhook {Destination} refused the alert: HTTP {Status}", Destination, (int)response.StatusCode);
            return false;
        }
        catch (Exception ex) when ((ex is HttpRequestException or TimeoutRejectedException or TaskCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            // The exception text may quote the URL; name the host only.
            logger.LogWarning("Alert webhook {Destination} unreachable: {Error}", Destination, ex.GetType().Name);
            return false;
        }
    }

    /// <summary>Slack reads <c>text</c>; so do Teams incoming webhooks (MessageCard).</summary>
    internal sealed record WebhookPayload([property: JsonPropertyName("text")] string Text);
}
