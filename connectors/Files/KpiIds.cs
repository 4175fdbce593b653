using Pipeline.Warehouse.Kpi;

namespace Pipeline.Connectors.Files;

/// <summary>
/// The KPI ids a target may name: those of <see cref="KpiCatalog"/>, the one definition of every KPI. (The catalog
/// lives in the warehouse core, which depends only on the stream contract, so reading it adds no cycle.)
/// </summary>
internal static class KpiIds
{
    private static readonly string[] Known = [.. KpiCatalog.All.Select(k => k.Id).Order(StringComparer.Ordinal)];

    /// <summary>The catalog's id for a trimmed value (any case), or a line error naming the closest id.</summary>
    public static string Resolve(string value)
    {
        var id = value.Trim().ToLowerInvariant();
        if (Array.BinarySearch(Known, id, StringComparer.Ordinal) >= 0)
        {
            return id;
        }

        throw new LineException($"unknown KPI '{value}'; did you mean '{Closest(id)}'? (the KPI ids are listed by 'pipeline catalog')");
    }

    /// <summary>The known id with the fewest single-character edits from <paramref name="id"/> (the first in order on a tie).</summary>
    internal static string Closest(string id) => Known.MinBy(k => Distance(id, k))!;

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
