namespace Pipeline.Cli.Output;

/// <summary>Shortens ids and cursors for narrow output, keeping both ends (where such values differ).</summary>
internal static class Shorten
{
    public const string Ellipsis = "…";

    /// <summary>The text itself when it has at most <paramref name="max"/> characters, else its start, "…" and its end.</summary>
    public static string Middle(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 3);
        if (text.Length <= max)
        {
            return text;
        }

        var tail = (max - 1) / 2;
        var head = max - 1 - tail;
        return string.Concat(text.AsSpan(0, head), Ellipsis, text.AsSpan(text.Length - tail));
    }
}
