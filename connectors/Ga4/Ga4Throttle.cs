using System.Net;
using System.Text.Json;
using Pipeline.Connectors.Http;

namespace Pipeline.Connectors.Ga4;

/// <summary>
/// GA4 answers an exhausted quota with 429 RESOURCE_EXHAUSTED and a message naming the quota. Hourly and
/// per-project quotas refill within the hour: wait and retry. The daily quota does not: stop.
/// </summary>
internal sealed class Ga4Throttle(TimeSpan hourlyWait) : IThrottleSignal
{
    public async ValueTask<ThrottleDecision?> InterpretAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.TooManyRequests)
        {
            return null;
        }

        var message = await ReadMessageAsync(response, cancellationToken);
        if (IsDaily(message))
        {
            return ThrottleDecision.StopNow($"GA4 {message}");
        }

        return ThrottleDecision.Wait(response.Headers.RetryAfter?.Delta ?? hourlyWait, $"GA4 {message}");
    }

    public static bool IsDaily(string message) =>
        message.Contains("per day", StringComparison.OrdinalIgnoreCase)
        || message.Contains("tokensPerDay", StringComparison.OrdinalIgnoreCase)
        || message.Contains("daily", StringComparison.OrdinalIgnoreCase);

    private static async Task<string> ReadMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var error = JsonSerializer.Deserialize(body, Ga4Json.Default.GoogleErrorBody)?.Error;
            return error is null ? "RESOURCE_EXHAUSTED" : $"{error.Status}: {error.Message}";
        }
        catch (JsonException)
        {
            return "RESOURCE_EXHAUSTED";
        }
    }
}
