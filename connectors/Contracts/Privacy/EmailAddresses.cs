using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Connectors.Privacy;

/// <summary>
/// E-mail addresses never enter the warehouse: streams store SHA-256 (lower-case hex) of the trimmed, lower-cased
/// address, and any text that may quote a record (a reject's reason and payload, an error message) has every
/// address replaced by <c>sha256:&lt;hash&gt;</c>, so the value can still be matched but not read.
/// </summary>
public static partial class EmailAddresses
{
    public const string HashPrefix = "sha256:";

    public static string Sha256(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address.Trim().ToLowerInvariant())));
    }

    /// <summary><paramref name="text"/> with each address replaced by its hash; text without one is returned as is.</summary>
    public static string? Redact(string? text) =>
        string.IsNullOrEmpty(text) || !text.Contains('@', StringComparison.Ordinal)
            ? text
            : Address().Replace(text, m => HashPrefix + Sha256(m.Value));

    // The local part leaves out quotes, '/', '?', '=' and '&' (legal but rare) so an address quoted in a message or
    // embedded in a URL query is matched alone; a false positive only costs a hashed token in a reject.
    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Address();
}
