using System.Collections.Concurrent;

namespace Pipeline.Sandbox.Ga4;

/// <summary>
/// How many report rows each day of a dated report has, remembered per grouping, day and world generation. A client
/// paging through a long report asks for every offset; without this, each page would regroup every day before its
/// offset, so reading a report cost pages × rows instead of rows (GA4 itself answers later pages in constant time).
/// </summary>
internal sealed class Ga4DayCounts
{
    private const int MaxEntries = 200_000;
    private readonly ConcurrentDictionary<(string Grouping, DateOnly Day, int Generation), (int Rows, bool DataLoss)> counts = new();

    public bool TryGet(string grouping, DateOnly day, int generation, out (int Rows, bool DataLoss) count) =>
        counts.TryGetValue((grouping, day, generation), out count);

    public void Set(string grouping, DateOnly day, int generation, (int Rows, bool DataLoss) count)
    {
        if (counts.Count >= MaxEntries)
        {
            counts.Clear(); // a long-lived sandbox asked for many shapes: start over rather than grow without bound
        }

        counts[(grouping, day, generation)] = count;
    }
}
