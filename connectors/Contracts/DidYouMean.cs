namespace Pipeline.Connectors;

/// <summary>
/// "Did you mean": the valid names closest to a mistyped one, for error messages about ids, streams, sources or
/// keys. Close means a small edit distance (a typo) or containing what was typed (a prefix or stem, e.g. "traffic"
/// for "traffic_daily"); case is ignored.
/// </summary>
public static class DidYouMean
{
    /// <summary>Up to <paramref name="take"/> candidates, closest first (ties in ordinal order).</summary>
    public static IReadOnlyList<string> Closest(string typed, IEnumerable<string> candidates, int take = 3)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(candidates);
        var lower = typed.ToLowerInvariant();
        return candidates
            .Distinct(StringComparer.Ordinal)
            .Select(c => (Name: c, Lower: c.ToLowerInvariant()))
            .Select(c => (c.Name, c.Lower, Distance: Distance(lower, c.Lower)))
            .Where(c => c.Distance <= Math.Max(2, lower.Length / 3) || (lower.Length >= 3 && c.Lower.Contains(lower, StringComparison.Ordinal)))
            .OrderBy(c => c.Lower.StartsWith(lower, StringComparison.Ordinal) ? 0 : 1)
            .ThenBy(c => c.Distance)
            .ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(take)
            .Select(c => c.Name)
            .ToList();
    }

    /// <summary>"; did you mean 'a' or 'b'?" for the closest candidates, or "" when none is close.</summary>
    public static string Hint(string typed, IEnumerable<string> candidates)
    {
        var close = Closest(typed, candidates, take: 2);
        return close.Count == 0 ? "" : $"; did you mean {string.Join(" or ", close.Select(c => $"'{c}'"))}?";
    }

    /// <summary>Levenshtein distance.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
