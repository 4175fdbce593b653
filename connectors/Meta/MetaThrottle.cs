using System.Globalization;
using System.Net;
using Pipeline.Connectors.Http;

namespace Pipeline.Connectors.Meta;

/// <summary>
/// Reads Meta's "slow down" signals from a failed response. Meta throttles with HTTP 400 (sometimes 429) and a code
/// in the body: 4, 17, 32, 613, 80000–80014 wait for <c>estimated_time_to_regain_access</c> (or the regular backoff
/// when Meta gives none); unknown errors (code 1, 2, is_transient) are retried with backoff. A wait longer than the
/// client's limit becomes <see cref="SourceThrottledException"/>.
/// </summary>
public sealed class MetaThrottleSignal : IThrottleSignal
{
    public async ValueTask<ThrottleDecision?> InterpretAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var usage = MetaUsage.From(response);
        var error = MetaErrorCodes.TryParse(await response.ReadBufferedStringAsync(cancellationToken));
        TimeSpan? regain = usage.RegainAccess > TimeSpan.Zero ? usage.RegainAccess : null;
        if (error is null)
        {
            return response.StatusCode == HttpStatusCode.TooManyRequests
                ? ThrottleDecision.Wait(regain, "Meta 429 Too Many Requests")
                : null;
        }

        if (MetaErrorCodes.IsThrottle(error.Code))
        {
            var when = regain is { } r ? string.Create(CultureInfo.InvariantCulture, $"; access regained in about {r.TotalMinutes:0.#} min") : "";
            return ThrottleDecision.Wait(regain, $"Meta throttled: {MetaErrorCodes.Describe(error)}{when}");
        }

        return MetaErrorCodes.IsRetryable(error, response.StatusCode)
            ? ThrottleDecision.Wait(null, $"Meta transient error: {MetaErrorCodes.Describe(error)}")
            : null;
    }
}

/// <summary>
/// Innermost handler of a Meta client: records every response's usage headers for pacing, and turns errors that no
/// retry can fix into typed exceptions before the resilience pipeline sees them (code 190 → <see cref="MetaAuthException"/>,
/// code 1 "reduce the amount of data" → <see cref="MetaReduceDataException"/>, anything else not retryable →
/// <see cref="MetaApiException"/>). Throttling and transient errors pass through to be retried.
/// </summary>
public sealed class MetaResponseHandler(MetaUsageTracker tracker) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        tracker.Record(MetaUsage.From(response));
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        string body;
        try
        {
            body = await response.ReadBufferedStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return response; // the status code alone decides
        }

        if (MetaErrorCodes.TryParse(body) is not { } error || MetaErrorCodes.IsRetryable(error, response.StatusCode))
        {
            return response;
        }

        var status = response.StatusCode;
        response.Dispose();
        var url = SecretRedactor.RedactUrl(request.RequestUri);
        var what = $"{request.Method} {url}";
        if (MetaErrorCodes.IsAuth(error))
        {
            throw new MetaAuthException(
                $"Meta rejected the access token: {MetaErrorCodes.Describe(error)}. Renew the token (Sources:Meta:AccessToken); requests are not retried. [{what}]",
                error, status, url);
        }

        if (MetaErrorCodes.IsReduceData(error))
        {
            throw new MetaReduceDataException($"Meta asks for less data: {MetaErrorCodes.Describe(error)} [{what}]", error, status, url);
        }

        throw new MetaApiException($"Meta refused {what}: {MetaErrorCodes.Describe(error)}", error, status, url);
    }
}
