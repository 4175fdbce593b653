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
    internal static string Closest(string id) => Known.MinBy(k => DidYouMean.Distance(id, k))!;
}
