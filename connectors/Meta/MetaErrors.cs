using System.Globalization;
using System.Net;
using System.Text.Json;
using Pipeline.Connectors.Http;

namespace Pipeline.Connectors.Meta;

/// <summary>How the connector treats Graph API error codes.</summary>
public static class MetaErrorCodes
{
    /// <summary>Throttling: 4 app, 17 user, 32 page, 613 calls within a time, 80000–80014 business use cases.</summary>
    public static bool IsThrottle(int code) => code is 4 or 17 or 32 or 341 or 613 or (>= 80000 and <= 80014);

    /// <summary>190 invalid/expired token, 102 session, 463/467 expired/invalid (as codes or subcodes).</summary>
    public static bool IsAuth(MetaError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code is 190 or 102 || error.ErrorSubcode is 463 or 467;
    }

    /// <summary>Code 1 "Please reduce the amount of data you're asking for": a smaller request works, the same one never will.</summary>
    public static bool IsReduceData(MetaError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Code == 1 && (error.Message ?? "").Contains("reduce the amount of data", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Worth another attempt: throttling, unknown errors (1), service unavailable (2), or flagged transient.</summary>
    public static bool IsRetryable(MetaError error, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (IsAuth(error) || IsReduceData(error))
        {
            return false;
        }

        return IsThrottle(error.Code) || error.Code is 1 or 2 || error.IsTransient == true
            || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;
    }

    public static MetaError? TryParse(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, MetaJson.Default.MetaErrorBody)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Describe(MetaError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var code = error.ErrorSubcode is { } sub
            ? string.Create(CultureInfo.InvariantCulture, $"code {error.Code}, subcode {sub}")
            : string.Create(CultureInfo.InvariantCulture, $"code {error.Code}");
        var trace = error.FbtraceId is { Length: > 0 } t ? $", fbtrace_id {t}" : "";
        return $"{error.Message} ({error.Type} {code}{trace})";
    }
}

/// <summary>The Graph API refused a request in a way retrying cannot fix (bad parameter, permission, …).</summary>
public class MetaApiException : SourceHttpException
{
    public MetaApiException(string message, MetaError error, HttpStatusCode statusCode, string? redactedUrl)
        : base(message, statusCode, redactedUrl)
    {
        Error = error;
    }

    public MetaApiException() { }

    public MetaApiException(string message) : base(message) { }

    public MetaApiException(string message, Exception inner) : base(message, inner) { }

    public MetaError? Error { get; }

    public int? Code => Error?.Code;
}

/// <summary>The access token is invalid or expired (code 190): renew it; retrying cannot help.</summary>
public sealed class MetaAuthException : MetaApiException
{
    public MetaAuthException(string message, MetaError error, HttpStatusCode statusCode, string? redactedUrl)
        : base(message, error, statusCode, redactedUrl)
    {
    }

    public MetaAuthException() { }

    public MetaAuthException(string message) : base(message) { }

    public MetaAuthException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Code 1 "reduce the amount of data": ask for a shorter time range.</summary>
public sealed class MetaReduceDataException : MetaApiException
{
    public MetaReduceDataException(string message, MetaError error, HttpStatusCode statusCode, string? redactedUrl)
        : base(message, error, statusCode, redactedUrl)
    {
    }

    public MetaReduceDataException() { }

    public MetaReduceDataException(string message) : base(message) { }

    public MetaReduceDataException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>The ad account is throttled for longer than the run waits; committed windows stay and the next run resumes.</summary>
public sealed class MetaThrottledException : Exception
{
    public MetaThrottledException(string accountId, string reason, Exception? inner = null)
        : base($"Meta ad account {accountId}: throttled ({reason}); committed windows are kept and the next run resumes from them", inner)
    {
    }

    public MetaThrottledException() { }

    public MetaThrottledException(string message) : base(message) { }

    public MetaThrottledException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>An async report run failed, was skipped or never completed, on every attempt and at the smallest split.</summary>
public sealed class MetaReportException : Exception
{
    public MetaReportException(string message) : base(message) { }

    public MetaReportException() { }

    public MetaReportException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>Meta settings that cannot work (unknown ad account time zone, …).</summary>
public sealed class MetaConfigException : Exception
{
    public MetaConfigException(string message) : base(message) { }

    public MetaConfigException() { }

    public MetaConfigException(string message, Exception inner) : base(message, inner) { }
}
