using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Flows;
using Google.Apis.Auth.OAuth2.Responses;
using Pipeline.Connectors.Auth;

namespace Pipeline.Connectors.Ga4;

/// <summary>
/// Access tokens for the Data API through Google.Apis.Auth: a service-account key (file or inline JSON) signs a
/// JWT that the token endpoint exchanges, or an OAuth refresh token is redeemed. The token endpoint is
/// configurable so the sandbox can stand in for Google.
/// </summary>
public sealed class Ga4TokenProvider : CachingTokenProvider
{
    public const string Scope = "https://www.googleapis.com/auth/analytics.readonly";

    private readonly Func<CancellationToken, Task<TokenResponse>> fetch;

    private Ga4TokenProvider(Func<CancellationToken, Task<TokenResponse>> fetch, TimeProvider? clock)
        : base(clock)
    {
        this.fetch = fetch;
    }

    /// <summary>Builds the credential the property's options name; a bad key is a <see cref="Ga4ConfigException"/> naming the problem.</summary>
    public static Ga4TokenProvider Create(Ga4PropertyOptions property, Uri tokenUrl, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(property);
        ArgumentNullException.ThrowIfNull(tokenUrl);
        if (property.OAuth is { } oauth && !string.IsNullOrEmpty(oauth.RefreshToken))
        {
            // The generic flow, because Google's own flow pins the token URL and the sandbox must replace it.
            var flow = new AuthorizationCodeFlow(new AuthorizationCodeFlow.Initializer("https://accounts.google.com/o/oauth2/v2/auth", tokenUrl.ToString())
            {
                ClientSecrets = new ClientSecrets { ClientId = oauth.ClientId, ClientSecret = oauth.ClientSecret },
                Scopes = [Scope],
            });
            var user = new UserCredential(flow, "pipeline", new TokenResponse { RefreshToken = oauth.RefreshToken });
            return new Ga4TokenProvider(
                async ct =>
                {
                    await user.RefreshTokenAsync(ct);
                    return user.Token;
                },
                clock);
        }

        var json = ReadKeyJson(property);
        var key = ParseKey(json, property);
        var credential = new ServiceAccountCredential(
            new ServiceAccountCredential.Initializer(key.ClientEmail, tokenUrl.ToString())
            {
                Scopes = [Scope],
                KeyId = key.PrivateKeyId,
            }.FromPrivateKey(key.PrivateKey));
        return new Ga4TokenProvider(
            async ct =>
            {
                await credential.RequestAccessTokenAsync(ct);
                return credential.Token;
            },
            clock);
    }

    protected override async Task<AccessToken> FetchTokenAsync(CancellationToken cancellationToken)
    {
        var token = await fetch(cancellationToken);
        var expires = token.ExpiresInSeconds is { } s ? new DateTimeOffset(token.IssuedUtc, TimeSpan.Zero).AddSeconds(s) : (DateTimeOffset?)null;
        return new AccessToken(token.AccessToken, expires);
    }

    private static string ReadKeyJson(Ga4PropertyOptions property)
    {
        if (!string.IsNullOrWhiteSpace(property.ServiceAccountKeyJson))
        {
            return property.ServiceAccountKeyJson;
        }

        if (string.IsNullOrWhiteSpace(property.ServiceAccountKeyPath))
        {
            throw new Ga4ConfigException($"property {property.PropertyId}: give ServiceAccountKeyPath, ServiceAccountKeyJson or OAuth credentials");
        }

        var path = Path.GetFullPath(property.ServiceAccountKeyPath);
        return File.Exists(path)
            ? File.ReadAllText(path)
            : throw new Ga4ConfigException($"property {property.PropertyId}: service-account key file not found: {path}");
    }

    private static (string ClientEmail, string PrivateKey, string? PrivateKeyId) ParseKey(string json, Ga4PropertyOptions property)
    {
        var where = property.ServiceAccountKeyPath is { Length: > 0 } p && string.IsNullOrWhiteSpace(property.ServiceAccountKeyJson)
            ? $"key file {Path.GetFullPath(p)}"
            : "ServiceAccountKeyJson";
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            string? Get(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (Get("type") is { } type && type != "service_account")
            {
                throw new Ga4ConfigException($"property {property.PropertyId}: {where} is a '{type}' credential, not a service account key");
            }

            var email = Get("client_email") ?? throw new Ga4ConfigException($"property {property.PropertyId}: {where} has no client_email");
            var privateKey = Get("private_key") ?? throw new Ga4ConfigException($"property {property.PropertyId}: {where} has no private_key");
            if (!privateKey.Contains("PRIVATE KEY", StringComparison.Ordinal))
            {
                throw new Ga4ConfigException($"property {property.PropertyId}: {where} private_key is not a PEM private key");
            }

            return (email, privateKey, Get("private_key_id"));
        }
        catch (JsonException ex)
        {
            // The message names the position only: the key's text is a secret.
            throw new Ga4ConfigException($"property {property.PropertyId}: {where} is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})");
        }
    }
}

/// <summary>GA4 settings that cannot work (missing key, bad key file, unknown report names).</summary>
public sealed class Ga4ConfigException : Exception
{
    public Ga4ConfigException(string message) : base(message) { }

    public Ga4ConfigException() { }

    public Ga4ConfigException(string message, Exception inner) : base(message, inner) { }
}
