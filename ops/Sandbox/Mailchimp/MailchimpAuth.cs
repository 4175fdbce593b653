using System.Text;
using Pipeline.Sandbox.Hosting;

namespace Pipeline.Sandbox.Mailchimp;

internal static class MailchimpAuth
{
    /// <summary>The API key from HTTP Basic (any user name, key as password) or an OAuth-style bearer header.</summary>
    public static string? ApiKeyOf(HttpContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                return colon < 0 ? null : decoded[(colon + 1)..];
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    public static bool IsValid(HttpContext ctx, SandboxState state) => ApiKeyOf(ctx) is { } key && state.MailchimpApiKeys.Contains(key);

    public static async Task WithinConcurrencyLimit(HttpContext ctx, SandboxState state, Func<Task> next)
    {
        if (ApiKeyOf(ctx) is not { } key || !state.MailchimpApiKeys.Contains(key))
        {
            // Bad keys get their 401 from the endpoint; they hold no slot.
            await next();
            return;
        }

        if (!state.MailchimpGate.TryEnter(key, state.Observed.MailchimpConnections))
        {
            state.Observed.Refuse(SandboxApi.Mailchimp);
            await MailchimpErrors.TooManyRequests(ctx);
            return;
        }

        try
        {
            await next();
        }
        finally
        {
            state.MailchimpGate.Exit(key);
        }
    }
}
