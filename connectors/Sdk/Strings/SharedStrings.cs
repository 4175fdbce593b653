using System.Text;

namespace Pipeline.Connectors.Strings;

/// <summary>
/// Report values repeat on every row (campaign and ad names, channels, countries): one string per distinct value
/// while a reader runs, so rows waiting to load share them instead of each holding a copy. Looked up by the decoded
/// characters, so a value already seen costs no allocation. Bounded: past <see cref="MaxEntries"/> it starts over.
/// Not thread-safe: one per reader, which reads its pages one after another.
/// </summary>
public sealed class SharedStrings
{
    /// <summary>Distinct values kept at most (a few MB of strings).</summary>
    public const int MaxEntries = 50_000;

    /// <summary>Longer values are not shared (rarely repeated, and decoded on the stack below this).</summary>
    public const int MaxChars = 256;

    private readonly Dictionary<string, string> strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup;

    public SharedStrings() => lookup = strings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The UTF-8 text as a string, the same instance as for every equal value before it.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxChars)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[MaxChars];
        var value = chars[..Encoding.UTF8.GetChars(utf8, chars)];
        if (lookup.TryGetValue(value, out var known))
        {
            return known;
        }

        if (strings.Count >= MaxEntries)
        {
            strings.Clear();
        }

        var created = value.ToString();
        strings[created] = created;
        return created;
    }
}
