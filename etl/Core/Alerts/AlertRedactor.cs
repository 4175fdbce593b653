using System.Text.RegularExpressions;
using Pipeline.Connectors.Http;
using Pipeline.Etl.Configuration;

namespace Pipeline.Etl.Alerts;

/// <summary>
/// Scrubs alert text before it is logged or posted: every secret value of the configuration (tokens, keys, the
/// webhook URL itself) and credentials in URLs (<c>access_token=</c>, <c>key=</c>, user:password@).
/// </summary>
public sealed partial class AlertRedactor(IReadOnlyList<string> secrets)
{
    public static AlertRedactor None { get; } = new([]);

    public string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var secret in secrets.Where(s => s.Length > 0).OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, SecretKeys.Mask, StringComparison.Ordinal);
        }

        // Each URL on its own (a URL ends at whitespace; user:password@ is only recognised at its start), then
        // credential-looking parameters outside URLs ("access_token=…" quoted in an error message).
        text = UrlToken().Replace(text, m => SecretRedactor.RedactUrl(m.Value));
        return LooseParameter().Replace(text, m => m.Groups["name"].Value + "=" + SecretRedactor.Mask);
    }

    [GeneratedRegex(@"[a-z][a-z0-9+.\-]*://[^\s""'<>]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UrlToken();

    [GeneratedRegex(@"(?<![\w-])(?<name>[a-z_]*(?:access_token|refresh_token|id_token|apikey|api_key|hapikey|client_secret|password|passwd))=(?!\*\*\*)[^\s&#;,]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LooseParameter();
}
