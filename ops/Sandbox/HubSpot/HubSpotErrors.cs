using Pipeline.Sandbox.Hosting;

namespace Pipeline.Sandbox.HubSpot;

/// <summary>HubSpot error bodies: {"status":"error","message","correlationId","category"}.</summary>
internal static class HubSpotErrors
{
    public static Task Write(HttpContext ctx, int status, string message, string category) =>
        HttpJson.Write(ctx, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "error");
            w.WriteString("message", message);
            w.WriteString("correlationId", Guid.NewGuid().ToString());
            w.WriteString("category", category);
            w.WriteEndObject();
        });

    public static Task InvalidAuthentication(HttpContext ctx) =>
        Write(ctx, 401, "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview", "INVALID_AUTHENTICATION");

    public static Task ExpiredAuthentication(HttpContext ctx) =>
        Write(ctx, 401, "The OAuth token used to make this call expired 2 second(s) ago.", "EXPIRED_AUTHENTICATION");

    public static Task Validation(HttpContext ctx, string message) => Write(ctx, 400, message, "VALIDATION_ERROR");

    public static Task NotFound(HttpContext ctx) => Write(ctx, 404, "Resource not found", "OBJECT_NOT_FOUND");

    public static Task Internal(HttpContext ctx) => Write(ctx, 500, "internal error", "INTERNAL_ERROR");

    public static Task Unavailable(HttpContext ctx) => Write(ctx, 503, "Service Unavailable", "SERVICE_UNAVAILABLE");

    /// <summary>policyName is TEN_SECONDLY_ROLLING, SECONDLY or DAILY; HubSpot does not always send Retry-After.</summary>
    public static Task RateLimited(HttpContext ctx, string policyName) =>
        HttpJson.Write(ctx, 429, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "error");
            w.WriteString("message", "You have reached your " + policyName.ToLowerInvariant() + " limit.");
            w.WriteString("errorType", "RATE_LIMIT");
            w.WriteString("correlationId", Guid.NewGuid().ToString());
            w.WriteString("policyName", policyName);
            w.WriteEndObject();
        });
}
