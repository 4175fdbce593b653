using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Connectors.Http;

namespace Pipeline.Connectors.Auth;

/// <summary>Client credentials and the long-lived refresh token of one OAuth grant (HubSpot, Google).</summary>
public sealed record OAuthRefreshSettings(Uri TokenUrl, string ClientId, string ClientSecret, string RefreshToken)
{
    /// <summary>Keeps secrets out of logs that print settings objects.</summary>
    public override string ToString() => $"OAuthRefreshSettings({SecretRedactor.RedactUrl(TokenUrl)}, client {ClientId})";
}

/// <summary>
/// Exchanges a refresh token for access tokens (RFC 6749 §6: form POST, <c>access_token</c>/<c>expires_in</c>)
/// and caches each until shortly before it expires. A rotated refresh token in the answer replaces the old one.
/// </summary>
public sealed class OAuthRefreshTokenProvider : CachingTokenProvider
{
    private readonly HttpClient _httpClient;
    private readonly OAuthRefreshSettings _settings;
    private readonly TimeProvider _timeProvider;
    private string _refreshToken;

    /// <param name="httpClient">A client without <see cref="AuthHandler"/> (the token endpoint takes the client secret instead).</param>
    public OAuthRefreshTokenProvider(HttpClient httpClient, OAuthRefreshSettings settings, TimeProvider? timeProvider = null, TimeSpan? refreshBefore = null)
        : base(timeProvider, refreshBefore)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(settings);
        _httpClient = httpClient;
        _settings = settings;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _refreshToken = settings.RefreshToken;
    }

    protected override async Task<AccessToken> FetchTokenAsync(CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = _settings.ClientId,
            ["client_secret"] = _settings.ClientSecret,
            ["refresh_token"] = Volatile.Read(ref _refreshToken),
        });
        var requestedAt = _timeProvider.GetUtcNow();
        using var response = await _httpClient.PostAsync(_settings.TokenUrl, form, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var url = SecretRedactor.RedactUrl(_settings.TokenUrl);
        if (!response.IsSuccessStatusCode)
        {
            throw new TokenRefreshException(
                $"token refresh at {url} failed with {(int)response.StatusCode}: {DescribeError(body)}", response.StatusCode);
        }

        OAuthTokenResponse? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(body, OAuthJsonContext.Default.OAuthTokenResponse);
        }
        catch (JsonException e)
        {
            throw new TokenRefreshException($"token refresh at {url} returned invalid JSON: {e.Message}", response.StatusCode, e);
        }

        if (string.IsNullOrEmpty(parsed?.AccessToken))
        {
            throw new TokenRefreshException($"token refresh at {url} returned no access_token", response.StatusCode);
        }

        if (!string.IsNullOrEmpty(parsed.RefreshToken))
        {
            Volatile.Write(ref _refreshToken, parsed.RefreshToken);
        }

        // Expiry counts from when we asked, so time spent on the wire is not credited to the token.
        DateTimeOffset? expiresAt = parsed.ExpiresIn is > 0 ? requestedAt.AddSeconds(parsed.ExpiresIn.Value) : null;
        return new AccessToken(parsed.AccessToken, expiresAt);
    }

    private static string DescribeError(string body)
    {
        try
        {
            var error = JsonSerializer.Deserialize(body, OAuthJsonContext.Default.OAuthErrorResponse);
            if (error?.Error is { } code)
            {
                return error.Description is { } description ? $"{code} ({description})" : code;
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through to the generic message; the raw body may echo submitted secrets.
        }

        return "no OAuth error in the response";
    }
}

/// <summary>The token endpoint refused or garbled the refresh; the account's grant likely needs re-authorising.</summary>
public sealed class TokenRefreshException : Exception
{
    public TokenRefreshException(string message, HttpStatusCode? statusCode, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
    }

    public TokenRefreshException()
    {
    }

    public TokenRefreshException(string message)
        : base(message)
    {
    }

    public TokenRefreshException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public HttpStatusCode? StatusCode { get; }
}

internal sealed record OAuthTokenResponse(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] long? ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken);

internal sealed record OAuthErrorResponse(
    [property: JsonPropertyName("error")] string? Error,
    [property: JsonPropertyName("error_description")] string? Description);

[JsonSerializable(typeof(OAuthTokenResponse))]
[JsonSerializable(typeof(OAuthErrorResponse))]
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString)]
internal sealed partial class OAuthJsonContext : JsonSerializerContext;
