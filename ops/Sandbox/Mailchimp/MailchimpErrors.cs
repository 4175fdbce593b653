using Pipeline.Sandbox.Hosting;

namespace Pipeline.Sandbox.Mailchimp;

/// <summary>Mailchimp problem documents: {"type","title","status","detail","instance"}.</summary>
internal static class MailchimpErrors
{
    public static Task Problem(HttpContext ctx, int status, string title, string detail) =>
        HttpJson.Write(ctx, status, w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "https://mailchimp.com/developer/marketing/docs/errors/");
            w.WriteString("title", title);
            w.WriteNumber("status", status);
            w.WriteString("detail", detail);
            w.WriteString("instance", Guid.NewGuid().ToString());
            w.WriteEndObject();
        }, "application/problem+json; charset=utf-8");

    public static Task InvalidKey(HttpContext ctx) =>
        Problem(ctx, 401, "API Key Invalid", "Your API key may be invalid, or you've attempted to access the wrong datacenter.");

    public static Task TooManyRequests(HttpContext ctx) =>
        Problem(ctx, 429, "Too Many Requests", "You have exceeded the limit of 10 simultaneous connections.");

    /// <summary>What Mailchimp's edge sends over its connection limit under load: 403, no body, no problem document.</summary>
    public static Task BareForbidden(HttpContext ctx)
    {
        ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
        ctx.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    public static Task NotFound(HttpContext ctx) =>
        Problem(ctx, 404, "Resource Not Found", "The requested resource could not be found.");

    public static Task BadRequest(HttpContext ctx, string detail) => Problem(ctx, 400, "Invalid Resource", detail);

    /// <summary>A query parameter Mailchimp (or the sandbox) does not accept: the validation form with an <c>errors</c> array.</summary>
    public static Task InvalidParameter(HttpContext ctx, string field, string message) =>
        HttpJson.Write(ctx, 400, w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "https://mailchimp.com/developer/marketing/docs/errors/");
            w.WriteString("title", "Invalid Resource");
            w.WriteNumber("status", 400);
            w.WriteString("detail", "The resource submitted could not be validated. For field-specific details, see the 'errors' array.");
            w.WriteString("instance", Guid.NewGuid().ToString());
            w.WriteStartArray("errors");
            w.WriteStartObject();
            w.WriteString("field", field);
            w.WriteString("message", message);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }, "application/problem+json; charset=utf-8");

    public static Task Internal(HttpContext ctx) =>
        Problem(ctx, 500, "Internal Server Error", "An unexpected internal error has occurred. Please contact Support for more information.");

    public static Task Unavailable(HttpContext ctx) =>
        Problem(ctx, 503, "Service Unavailable", "This service is temporarily unavailable. Please try again later.");
}
