using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.Hosting;

namespace Pipeline.Sandbox.Ga4;

/// <summary>
/// Google client libraries authenticate a service account without the token endpoint: they sign a JWT with the key
/// and send it as the Bearer token (aud = the API's root URL, or a scope claim). GA4 accepts it when the signature
/// is the service account's, iss and sub are its email and it has not expired.
/// </summary>
internal static class GoogleSelfSignedJwt
{
    public const string Ga4Audience = "https://analyticsdata.googleapis.com/";

    public static bool IsValid(string token, SandboxState state, DateTimeOffset now)
    {
        if (ReadSigned(token, state, out _) is not { } claims)
        {
            return false;
        }

        var email = state.ServiceAccountEmail;
        if (Text(claims["iss"]) != email || (claims["sub"] is not null && Text(claims["sub"]) != email))
        {
            return false;
        }

        var audienceOk = Text(claims["aud"])?.TrimEnd('/') == Ga4Audience.TrimEnd('/');
        var scopeOk = (Text(claims["scope"]) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(s => s is GoogleTokenEndpoint.AnalyticsReadonlyScope or "https://www.googleapis.com/auth/analytics");
        if (!audienceOk && !scopeOk)
        {
            return false;
        }

        var exp = Number(claims["exp"]);
        var iat = Number(claims["iat"]);
        var seconds = now.ToUnixTimeSeconds();
        return exp is { } e2 && iat is { } i && e2 > seconds && i <= seconds + 300 && e2 - i <= 3600;
    }

    /// <summary>
    /// The claims of a compact RS256 JWT signed with the sandbox's service-account key (a self-signed bearer or a
    /// token-endpoint assertion), or null with Google's wording of what is wrong with it.
    /// </summary>
    public static JsonObject? ReadSigned(string token, SandboxState state, out string? problem)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            problem = "Invalid JWT: not a JWS compact serialization.";
            return null;
        }

        JsonNode? header, payload;
        byte[] signature;
        try
        {
            header = JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]));
            payload = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]));
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            problem = "Invalid JWT: cannot decode.";
            return null;
        }

        if (payload is not JsonObject claims)
        {
            problem = "Invalid JWT: cannot decode.";
            return null;
        }

        if (Text(header?["alg"]) != "RS256")
        {
            problem = "Invalid JWT: alg must be RS256.";
            return null;
        }

        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!state.ServiceAccountKey.VerifyData(signed, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            problem = "Invalid JWT Signature.";
            return null;
        }

        problem = null;
        return claims;
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static long? Number(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<long>() : null;
}
