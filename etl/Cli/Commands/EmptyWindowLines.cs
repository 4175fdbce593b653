using System.Globalization;
using Pipeline.Etl.Sync;

namespace Pipeline.Cli.Commands;

/// <summary>
/// The sync output's one line per stream for windows without data: those skipped because they end before the
/// account's data starts, and those read that held no rows. They replace one "0 rows" table row per window; the
/// run log (<c>etl.sync_runs</c>) still has a row for every window read.
/// </summary>
internal static class EmptyWindowLines
{
    public static IEnumerable<string> For(SyncSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var streams = summary.Skipped.Select(s => s.Stream)
            .Concat(summary.Windows.Where(w => w.IsEmpty).Select(w => w.Stream))
            .Distinct(StringComparer.Ordinal);
        foreach (var stream in streams)
        {
            var parts = new List<string>();
            if (summary.Skipped.FirstOrDefault(s => s.Stream == stream) is { } skipped)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{Windows(skipped.Count)} {skipped.From:yyyy-MM-dd}..{skipped.To:yyyy-MM-dd} skipped (the account's data starts {skipped.DataStart:yyyy-MM-dd})"));
            }

            var empty = summary.Windows.Where(w => w.Stream == stream && w.IsEmpty).ToList();
            if (empty.Count > 0)
            {
                var ranges = empty.Where(w => w.Range is not null).Select(w => w.Range!.Value).ToList();
                parts.Add(ranges.Count == empty.Count
                    ? string.Create(CultureInfo.InvariantCulture, $"{Windows(empty.Count)} {ranges.Min(r => r.From):yyyy-MM-dd}..{ranges.Max(r => r.To):yyyy-MM-dd} read, no rows")
                    // An entity read: nothing changed since its cursor.
                    : $"no new rows ({string.Join(", ", empty.Select(w => w.Window))})");
            }

            yield return $"{summary.Source} {stream} {summary.AccountId}: {string.Join("; ", parts)}";
        }
    }

    private static string Windows(int count) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} empty window{(count == 1 ? "" : "s")}");
}
