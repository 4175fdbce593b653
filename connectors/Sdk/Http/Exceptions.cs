using System.Net;

namespace Pipeline.Connectors.Http;

/// <summary>A source answered with a status the connector did not expect, after the resilience pipeline gave up.</summary>
public class SourceHttpException : Exception
{
    public SourceHttpException(string message, HttpStatusCode? statusCode = null, string? redactedUrl = null, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        RedactedUrl = redactedUrl;
    }

    public SourceHttpException()
    {
    }

    public SourceHttpException(string message)
        : base(message)
    {
    }

    public SourceHttpException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public HttpStatusCode? StatusCode { get; }

    /// <summary>The request URL with secrets masked (safe to log).</summary>
    public string? RedactedUrl { get; }
}

/// <summary>
/// The source's quota is spent for longer than the run should wait (a daily limit, or a Retry-After beyond
/// <see cref="SourceHttpOptions.MaxRetryAfter"/>). The run should stop this account and resume from its cursor later.
/// </summary>
public sealed class SourceThrottledException : SourceHttpException
{
    public SourceThrottledException(string reason, HttpStatusCode statusCode, string? redactedUrl, TimeSpan? requestedWait)
        : base($"{reason} ({(int)statusCode} on {redactedUrl})", statusCode, redactedUrl)
    {
        Reason = reason;
        RequestedWait = requestedWait;
    }

    public SourceThrottledException()
    {
        Reason = "throttled";
    }

    public SourceThrottledException(string message)
        : base(message)
    {
        Reason = message;
    }

    public SourceThrottledException(string message, Exception inner)
        : base(message, inner)
    {
        Reason = message;
    }

    public string Reason { get; }

    /// <summary>The wait the server asked for, when it said.</summary>
    public TimeSpan? RequestedWait { get; }
}

/// <summary>A response body was not the JSON the connector expects, on every attempt.</summary>
public sealed class SourceResponseFormatException : SourceHttpException
{
    public SourceResponseFormatException(string message, string? redactedUrl, long? lineNumber, long? bytePositionInLine, Exception? inner)
        : base(message, null, redactedUrl, inner)
    {
        LineNumber = lineNumber;
        BytePositionInLine = bytePositionInLine;
    }

    public SourceResponseFormatException()
    {
    }

    public SourceResponseFormatException(string message)
        : base(message)
    {
    }

    public SourceResponseFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Zero-based line of the parse error.</summary>
    public long? LineNumber { get; }

    /// <summary>Zero-based byte offset within that line.</summary>
    public long? BytePositionInLine { get; }
}
