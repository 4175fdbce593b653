using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Pipeline.Etl.Configuration;

/// <summary>
/// Which configuration keys hold secrets (by their last segment), and the secret values of a configuration so
/// log sinks can scrub them wherever they turn up.
/// </summary>
public static partial class SecretKeys
{
    public const string Mask = "********";

    public static bool IsSecret(string key)
    {
        var last = key[(key.LastIndexOf(':') + 1)..];
        return SecretName().IsMatch(last);
    }

    public static string Display(string key, string? value) =>
        value is null ? "" : IsSecret(key) && value.Length > 0 ? Mask : value;

    /// <summary>Every non-trivial secret value in the configuration (short values would mask ordinary words).</summary>
    public static IReadOnlyList<string> ValuesIn(IConfiguration configuration) =>
        configuration.AsEnumerable()
            .Where(kv => kv.Value is { Length: >= 6 } && IsSecret(kv.Key))
            .Select(kv => kv.Value!)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v.Length)
            .ToList();

    [GeneratedRegex("(password|pwd|secret|token|apikey|api_key|accesskey|privatekey|private_key|credential|credentials|connectionstring|serviceaccountkey|serviceaccountjson|keyjson|webhookurl)$", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
