using System.Text;

namespace Pipeline.Connectors.Strings;

/// <summary>
/// Report values repeat on every row (campaign and ad names, channels, countries): one string per distinct value
/// while a reader runs, so rows waiting to load share them instead of each holding a copy. Looked up by the decoded
/// characters, so a value already seen costs no allocation. Bounded: past <see cref="MaxEntries"/> it starts over.
/// Values that rarely repeat (a landing page with its click id) gain nothing from sharing, and kept here they outlive
/// the rows that used them and fill the old generations of the managed heap: when fewer than a quarter of a
/// <see cref="SampleSize"/>-lookup sample were already known (a repeating column reaches that even from a cold start),
/// it stops sharing and decodes each value on its own. So a column whose values may be unique gets one of its own.
/// Not thread-safe: one per reader, which reads its pages one after another.
/// </summary>
public sealed class SharedStrings
{
    /// <summary>Distinct values kept at most (a few MB of strings).</summary>
    public const int MaxEntries = 50_000;

    /// <summary>Longer values are not shared (rarely repeated, and decoded on the stack below this).</summary>
    public const int MaxChars = 256;

    /// <summary>Lookups per sample of the hit rate.</summary>
    public const int SampleSize = 4096;

    private readonly Dictionary<string, string> strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> lookup;
    private int sampled;
    private int known;

    public SharedStrings() => lookup = strings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>False once the values proved too seldom repeated to be worth sharing.</summary>
    public bool Sharing { get; private set; } = true;

    /// <summary>The UTF-8 text as a string: while <see cref="Sharing"/>, the same instance as for every equal value before it.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (!Sharing || utf8.Length > MaxChars)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[MaxChars];
        var value = chars[..Encoding.UTF8.GetChars(utf8, chars)];
        var hit = lookup.TryGetValue(value, out var shared);
        known += hit ? 1 : 0;
        if (++sampled == SampleSize)
        {
            Sharing = known * 4 >= SampleSize;
            sampled = known = 0;
            if (!Sharing)
            {
                strings.Clear();
                strings.TrimExcess();
            }
        }

        if (hit)
        {
            return shared!;
        }

        if (!Sharing)
        {
            return value.ToString();
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
