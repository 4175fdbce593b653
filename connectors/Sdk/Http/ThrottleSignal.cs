using System.Globalization;

namespace Pipeline.Connectors.Http;

/// <summary>
/// Reads a source's own "slow down" signals from a non-success response: Meta's
/// <c>x-business-use-case-usage</c> header, HubSpot's 429 <c>policyName</c>, GA4's RESOURCE_EXHAUSTED quota
/// names. Called once per failed attempt, before the generic status-code rules.
/// </summary>
public interface IThrottleSignal
{
    /// <summary>
    /// Null when the response carries no throttle signal (status code and Retry-After then decide). Reading the
    /// body is fine: it is buffered first, so the caller can still read it if the response is not retried.
    /// </summary>
    ValueTask<ThrottleDecision?> InterpretAsync(HttpResponseMessage response, CancellationToken cancellationToken);
}

/// <summary>What a throttle signal says: wait (optionally how long), or stop because the quota is gone.</summary>
public sealed record ThrottleDecision
{
    private ThrottleDecision(TimeSpan? delay, bool stop, string reason)
    {
        Delay = delay;
        Stop = stop;
        Reason = reason;
    }

    /// <summary>How long the server wants us to wait; null to use the regular backoff.</summary>
    public TimeSpan? Delay { get; }

    /// <summary>Retrying is pointless (a daily quota is spent): fail with <see cref="SourceThrottledException"/>.</summary>
    public bool Stop { get; }

    /// <summary>Shown in logs and in the exception, e.g. "HubSpot DAILY limit".</summary>
    public string Reason { get; }

    public static ThrottleDecision Wait(TimeSpan? delay, string reason)
    {
        if (delay < TimeSpan.Zero)
        {
            delay = TimeSpan.Zero;
        }

        return new(delay, stop: false, reason);
    }

    public static ThrottleDecision StopNow(string reason) => new(null, stop: true, reason);
}

/// <summary>An <see cref="IThrottleSignal"/> from a delegate, for connectors whose rule fits in a lambda.</summary>
public sealed class DelegateThrottleSignal(Func<HttpResponseMessage, CancellationToken, ValueTask<ThrottleDecision?>> interpret) : IThrottleSignal
{
    public ValueTask<ThrottleDecision?> InterpretAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        interpret(response, cancellationToken);
}

public static class RetryAfter
{
    /// <summary>
    /// The wait a <c>Retry-After</c> header asks for, as delta-seconds or an HTTP-date relative to
    /// <paramref name="now"/>; null when absent or unparseable. A date in the past means "now".
    /// </summary>
    public static TimeSpan? From(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header is null)
        {
            // Some APIs send a bare number the typed parser rejects (e.g. "1.5"); accept it rather than ignore it.
            return response.Headers.TryGetValues("Retry-After", out var raw)
                && double.TryParse(raw.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                && seconds >= 0
                ? TimeSpan.FromSeconds(seconds)
                : null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}

public static class HttpResponseMessageExtensions
{
    /// <summary>Reads the body of a response a throttle signal inspects, keeping it readable for later callers.</summary>
    public static async Task<string> ReadBufferedStringAsync(this HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }
}
