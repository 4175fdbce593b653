using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Pipeline.Sandbox.Ga4;

/// <summary>Access tokens the sandbox token endpoint issued; GA4 accepts only these.</summary>
internal sealed class GoogleTokenStore
{
    public const int LifetimeSeconds = 3599;
    private readonly ConcurrentDictionary<string, DateTimeOffset> expiries = new(StringComparer.Ordinal);

    public string Issue()
    {
        var token = "ya29.a0sandbox" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        expiries[token] = DateTimeOffset.UtcNow.AddSeconds(LifetimeSeconds);
        return token;
    }

    public bool IsValid(string token) => expiries.TryGetValue(token, out var expiry) && expiry > DateTimeOffset.UtcNow;

    public void Revoke(string token) => expiries.TryRemove(token, out _);

    public static string? BearerOf(HttpContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
