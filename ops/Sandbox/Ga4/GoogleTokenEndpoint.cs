using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.Hosting;

namespace Pipeline.Sandbox.Ga4;

/// <summary>
/// Emulates https://oauth2.googleapis.com/token for the two flows a GA4 connector uses: a service account's
/// RS256-signed JWT assertion (what Google.Apis.Auth sends) and an OAuth refresh token.
/// </summary>
internal static class GoogleTokenEndpoint
{
    public const string AnalyticsReadonlyScope = "https://www.googleapis.com/auth/analytics.readonly";
    private const string JwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    // Google.Apis.Auth signs its assertion for Google's own token URL even when token_uri points elsewhere;
    // Google accepts these audiences, so the sandbox does too (besides its own URL).
    private static readonly string[] GoogleAudiences = ["https://oauth2.googleapis.com/token", "https://www.googleapis.com/oauth2/v4/token", "https://accounts.google.com/o/oauth2/token"];

    public static void Map(WebApplication app, SandboxState state) =>
        app.MapPost("/google/token", ctx => Token(ctx, state));

    /// <summary>A JSON key in the format Google Cloud hands out, pointing at this sandbox.</summary>
    public static string ServiceAccountKeyJson(SandboxState state)
    {
        var key = new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "sandbox-project",
            ["private_key_id"] = state.ServiceAccountKeyId,
            ["private_key"] = state.ServiceAccountKey.ExportPkcs8PrivateKeyPem() + "\n",
            ["client_email"] = state.ServiceAccountEmail,
            ["client_id"] = "100000000000000000001",
            ["token_uri"] = state.GoogleTokenUri.ToString(),
            ["universe_domain"] = "googleapis.com",
        };
        return key.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static async Task Token(HttpContext ctx, SandboxState state)
    {
        if (!ctx.Request.HasFormContentType)
        {
            await GoogleErrors.OAuth(ctx, 400, "invalid_request", "Expected application/x-www-form-urlencoded.");
            return;
        }

        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        var grantType = form["grant_type"].ToString();
        string? error = grantType switch
        {
            JwtBearerGrant => VerifyAssertion(form["assertion"].ToString(), ctx, state),
            "refresh_token" => form["client_id"] == state.GoogleClientId && form["client_secret"] == state.GoogleClientSecret
                ? (form["refresh_token"] == state.GoogleRefreshToken ? null : "invalid_grant:Bad Request")
                : "invalid_client:The OAuth client was not found.",
            _ => "unsupported_grant_type:Invalid grant_type: " + grantType,
        };
        if (error is not null)
        {
            var colon = error.IndexOf(':', StringComparison.Ordinal);
            await GoogleErrors.OAuth(ctx, error.StartsWith("invalid_client", StringComparison.Ordinal) ? 401 : 400, error[..colon], error[(colon + 1)..]);
            return;
        }

        var token = state.GoogleTokens.Issue();
        await HttpJson.Write(ctx, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("access_token", token);
            w.WriteNumber("expires_in", GoogleTokenStore.LifetimeSeconds);
            w.WriteString("token_type", "Bearer");
            if (grantType == "refresh_token")
            {
                w.WriteString("scope", AnalyticsReadonlyScope);
            }

            w.WriteEndObject();
        });
    }

    /// <summary>Returns "error:description" when the assertion is not acceptable.</summary>
    private static string? VerifyAssertion(string assertion, HttpContext ctx, SandboxState state)
    {
        if (GoogleSelfSignedJwt.ReadSigned(assertion, state, out var problem) is not { } payload)
        {
            return "invalid_grant:" + problem;
        }

        if (payload["iss"]?.GetValue<string>() != state.ServiceAccountEmail)
        {
            return "invalid_grant:Invalid JWT: iss is not the service account.";
        }

        var audience = payload["aud"]?.GetValue<string>()?.TrimEnd('/');
        var ownUrl = $"{ctx.Request.Scheme}://{ctx.Request.Host}{ctx.Request.PathBase}{ctx.Request.Path}".TrimEnd('/');
        if (audience is null || (audience != state.GoogleTokenUri.ToString().TrimEnd('/') && audience != ownUrl && !GoogleAudiences.Contains(audience)))
        {
            return "invalid_grant:Invalid JWT: aud must be the token endpoint URL.";
        }

        var scopes = (payload["scope"]?.GetValue<string>() ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!scopes.Contains(AnalyticsReadonlyScope, StringComparer.Ordinal))
        {
            return "invalid_scope:Invalid OAuth scope or ID token audience provided.";
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var iat = payload["iat"]?.GetValue<long>() ?? 0;
        var exp = payload["exp"]?.GetValue<long>() ?? 0;
        if (exp < now - 60 || iat > now + 300 || exp - iat > 3600)
        {
            return "invalid_grant:Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.";
        }

        return null;
    }
}
