using Pipeline.Connectors.Streams;

namespace Pipeline.Etl.Sync;

/// <summary>An inclusive range of report days, in the account's own time zone.</summary>
public readonly record struct IncrementalWindow(DateOnly From, DateOnly To)
{
    public int Days => To.DayNumber - From.DayNumber + 1;

    public override string ToString() => $"{From:yyyy-MM-dd}..{To:yyyy-MM-dd}";

    /// <summary>
    /// The windows a report stream reads next: from the committed cursor minus the lookback (or the first-run
    /// start) up to today, clamped to the API's history and cut into chunks that each commit on their own.
    /// An explicit backfill range replaces the plan.
    /// </summary>
    /// <param name="cursor">Last committed day (yyyy-MM-dd), or null before the first run.</param>
    public static IReadOnlyList<IncrementalWindow> Plan(
        string? cursor, StreamSyncSettings settings, DateOnly today, DateOnly? backfillFrom = null, DateOnly? backfillTo = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.LookbackDays < 0 || settings.ChunkDays < 1 || settings.FirstRunDays < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings, "lookback must be >= 0, chunk and first-run days >= 1");
        }

        DateOnly from, to;
        if (backfillFrom is not null || backfillTo is not null)
        {
            from = backfillFrom ?? today.AddDays(-(settings.FirstRunDays - 1));
            to = backfillTo ?? today;
        }
        else
        {
            to = today;
            from = cursor is null
                ? today.AddDays(-(settings.FirstRunDays - 1))
                // Lookback N: the last N committed days are read again, so restated numbers replace the old ones.
                : ParseCursor(cursor).AddDays(1 - settings.LookbackDays);
            if (from > today)
            {
                from = today;
            }
        }

        if (settings.MaxHistoryDays is { } max && from < today.AddDays(-max))
        {
            from = today.AddDays(-max);
        }

        if (to > today)
        {
            to = today;
        }

        var windows = new List<IncrementalWindow>();
        for (var start = from; start <= to; start = start.AddDays(settings.ChunkDays))
        {
            var end = start.AddDays(settings.ChunkDays - 1);
            windows.Add(new IncrementalWindow(start, end < to ? end : to));
        }

        return windows;
    }

    private static DateOnly ParseCursor(string cursor) =>
        DateOnly.TryParseExact(cursor, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day)
            ? day
            : throw new FormatException($"stored cursor '{cursor}' is not a yyyy-MM-dd day");
}
