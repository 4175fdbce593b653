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
    /// <param name="stream">The report stream (names it when its stored cursor is not a day).</param>
    /// <param name="cursor">Last committed day as stored (<see cref="StreamCursor"/>), or null before the first run.</param>
    public static IReadOnlyList<IncrementalWindow> Plan(
        StreamDescriptor stream, string? cursor, StreamSyncSettings settings, DateOnly today, DateOnly? backfillFrom = null, DateOnly? backfillTo = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
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
            from = StreamCursor.Parse(stream, cursor) is not { } committed
                ? today.AddDays(-(settings.FirstRunDays - 1))
                // Lookback N: the last N committed days are read again, so restated numbers replace the old ones.
                : committed.AsDate().AddDays(1 - settings.LookbackDays);
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
}
