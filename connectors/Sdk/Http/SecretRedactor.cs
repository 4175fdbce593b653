using System.Text.RegularExpressions;

namespace Pipeline.Connectors.Http;

/// <summary>
/// Masks credentials before anything reaches a log, an exception message or the run log. Meta takes its token
/// as <c>access_token=</c>, Google API keys travel as <c>key=</c>, and some clients embed user:password in URLs.
/// </summary>
public static partial class SecretRedactor
{
    public const string Mask = "***";

    private static readonly HashSet<string> SecretHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Authorization",
        "Proxy-Authorization",
        "Cookie",
        "Set-Cookie",
        "X-Api-Key",
        "Api-Key",
    };

    /// <summary>Returns the URL with secret query values and user info replaced by <see cref="Mask"/>.</summary>
    public static string RedactUrl(Uri? url) => url is null ? string.Empty : RedactUrl(url.OriginalString);

    /// <inheritdoc cref="RedactUrl(Uri?)"/>
    public static string RedactUrl(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return string.Empty;
        }

        var redacted = UserInfoPattern().Replace(url, "${scheme}" + Mask + "@");
        return SecretParameterPattern().Replace(redacted, "${name}=" + Mask);
    }

    /// <summary>True for headers whose values are credentials and must never be logged.</summary>
    public static bool IsSecretHeader(string name) =>
        SecretHeaders.Contains(name)
        || name.Contains("token", StringComparison.OrdinalIgnoreCase)
        || name.Contains("secret", StringComparison.OrdinalIgnoreCase);

    /// <summary>The header value to log: masked when the header carries credentials.</summary>
    public static string RedactHeader(string name, string? value) => IsSecretHeader(name) ? Mask : value ?? string.Empty;

    // Query (or fragment / form-style) parameters whose values are credentials. Matched by name so that
    // "keyword=" or "monkey=" survive while "key=", "api_key=", "hapikey=" and "client_secret=" do not.
    [GeneratedRegex(
        @"(?<=[?&#;])(?<name>(?:[a-z_]*_)?(?:access_token|refresh_token|id_token|token|key|apikey|hapikey|api_key|secret|client_secret|password|passwd|signature|sig|appsecret_proof))=(?<value>[^&#;]*)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretParameterPattern();

    [GeneratedRegex(@"^(?<scheme>[a-z][a-z0-9+.\-]*://)[^/@?#]+@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserInfoPattern();
}
