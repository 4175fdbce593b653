using System.Net;
using Pipeline.Connectors.Http;

namespace Pipeline.Connectors.Mailchimp;

/// <summary>
/// Mailchimp's own "slow down" answers. Under load it cuts requests over its 10-connection limit with a bare 403
/// (no body, not its problem JSON) and sends 429 without <c>Retry-After</c>; both are transient. A 403 that carries
/// Mailchimp's problem document ("API Key Invalid", "Forbidden" with a detail, "User Disabled") is a real refusal
/// and is left to the status-code rules, which do not retry it.
/// </summary>
internal sealed class MailchimpThrottleSignal : IThrottleSignal
{
    public static MailchimpThrottleSignal Instance { get; } = new();

    public async ValueTask<ThrottleDecision?> InterpretAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        switch (response.StatusCode)
        {
            case HttpStatusCode.Forbidden:
                var body = await response.ReadBufferedStringAsync(cancellationToken);
                // Null delay: the jittered exponential backoff, as Mailchimp says nothing about how long.
                return IsProblemDocument(body) ? null : ThrottleDecision.Wait(null, "Mailchimp connection limit (403 without a body)");
            case HttpStatusCode.TooManyRequests when response.Headers.RetryAfter is null && !response.Headers.Contains("Retry-After"):
                // Mailchimp limits connections, not a quota over time: a slot frees as soon as another request ends,
                // so the regular backoff (not a long fixed wait) fits; the reason names it in logs and errors.
                return ThrottleDecision.Wait(null, "Mailchimp connection limit (429)");
            default:
                return null;
        }
    }

    /// <summary>Mailchimp's errors are <c>application/problem+json</c> with a title; an empty or HTML body is the edge cutting the connection.</summary>
    internal static bool IsProblemDocument(string body) =>
        !string.IsNullOrWhiteSpace(body) && MailchimpProblem.Describe(body) is not null;
}
