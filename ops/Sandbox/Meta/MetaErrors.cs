using Pipeline.Sandbox.Hosting;

namespace Pipeline.Sandbox.Meta;

/// <summary>Graph API error bodies: {"error":{"message","type","code","error_subcode","fbtrace_id"}}.</summary>
internal static class MetaErrors
{
    private const string RateDocs = " For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.";

    public static Task Write(HttpContext ctx, int httpStatus, string message, string type, int code, int? subcode = null, bool? isTransient = null) =>
        HttpJson.Write(ctx, httpStatus, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteString("type", type);
            w.WriteNumber("code", code);
            if (subcode is { } s)
            {
                w.WriteNumber("error_subcode", s);
            }

            if (isTransient is { } t)
            {
                w.WriteBoolean("is_transient", t);
            }

            w.WriteString("fbtrace_id", "A" + Guid.NewGuid().ToString("N")[..22]);
            w.WriteEndObject();
            w.WriteEndObject();
        });

    public static Task InvalidToken(HttpContext ctx) =>
        Write(ctx, 400, "Invalid OAuth access token - Cannot parse access token", "OAuthException", 190);

    public static Task ExpiredToken(HttpContext ctx) =>
        Write(ctx, 401, "Error validating access token: Session has expired on Sunday, 01-Mar-26 08:00:00 PST. The current time is Sunday, 01-Mar-26 09:00:00 PST.", "OAuthException", 190, 463);

    public static Task InvalidParameter(HttpContext ctx, string message) =>
        Write(ctx, 400, "(#100) " + message, "OAuthException", 100);

    public static Task UnknownObject(HttpContext ctx, string id) =>
        Write(ctx, 400, $"Unsupported get request. Object with ID '{id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api", "GraphMethodException", 100, 33);

    /// <summary>Meta throttles with HTTP 400 and a code in the body, not with 429.</summary>
    public static Task Throttled(HttpContext ctx, bool userLimit) => userLimit
        ? Write(ctx, 400, "(#17) User request limit reached" + RateDocs, "OAuthException", 17, 2446079, true)
        : Write(ctx, 400, "(#80004) There have been too many calls to this ad-account. Wait a bit and try again." + RateDocs, "OAuthException", 80004, 2446079, true);

    public static Task AppLimit(HttpContext ctx) =>
        Write(ctx, 400, "(#4) Application request limit reached", "OAuthException", 4, 1504022, true);

    public static Task ReduceData(HttpContext ctx) =>
        Write(ctx, 500, "Please reduce the amount of data you're asking for, then retry your request", "OAuthException", 1, 99, true);

    public static Task Unknown(HttpContext ctx) => Write(ctx, 500, "An unknown error has occurred.", "OAuthException", 1, 99, true);

    public static Task Unavailable(HttpContext ctx) => Write(ctx, 503, "Service temporarily unavailable", "OAuthException", 2, null, true);
}
