using Pipeline.Sandbox.Hosting;

namespace Pipeline.Sandbox.Ga4;

/// <summary>Google API error bodies: {"error":{"code","message","status"}}.</summary>
internal static class GoogleErrors
{
    private const string QuotaDocs = "For more information, see https://developers.google.com/analytics/devguides/reporting/data/v1/quotas";

    public static Task Write(HttpContext ctx, int code, string status, string message) =>
        HttpJson.Write(ctx, code, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteNumber("code", code);
            w.WriteString("message", message);
            w.WriteString("status", status);
            w.WriteEndObject();
            w.WriteEndObject();
        });

    public static Task Unauthenticated(HttpContext ctx)
    {
        ctx.Response.Headers.WWWAuthenticate = "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"";
        return Write(ctx, 401, "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.");
    }

    public static Task InvalidArgument(HttpContext ctx, string message) => Write(ctx, 400, "INVALID_ARGUMENT", message);

    public static Task PermissionDenied(HttpContext ctx) =>
        Write(ctx, 403, "PERMISSION_DENIED", "User does not have sufficient permissions for this property. To learn more about Property ID, see https://developers.google.com/analytics/devguides/reporting/data/v1/property-id.");

    public static Task TokensPerHourExhausted(HttpContext ctx) =>
        Write(ctx, 429, "RESOURCE_EXHAUSTED", "Exhausted property tokens per hour quota. Consumption is restored hourly. " + QuotaDocs);

    public static Task TokensPerDayExhausted(HttpContext ctx) =>
        Write(ctx, 429, "RESOURCE_EXHAUSTED", "Exhausted property tokens per day quota. Consumption is restored at midnight Pacific Time. " + QuotaDocs);

    public static Task ConcurrentRequestsExhausted(HttpContext ctx) =>
        Write(ctx, 429, "RESOURCE_EXHAUSTED", "Exhausted concurrent requests quota. " + QuotaDocs);

    public static Task Internal(HttpContext ctx) => Write(ctx, 500, "INTERNAL", "Internal error encountered.");

    public static Task Unavailable(HttpContext ctx) => Write(ctx, 503, "UNAVAILABLE", "The service is currently unavailable.");

    /// <summary>Token endpoint errors use the OAuth shape {"error","error_description"}.</summary>
    public static Task OAuth(HttpContext ctx, int status, string error, string description) =>
        HttpJson.Write(ctx, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("error", error);
            w.WriteString("error_description", description);
            w.WriteEndObject();
        });
}
