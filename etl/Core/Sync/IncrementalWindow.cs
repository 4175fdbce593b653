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
    /// <param name="dataStart">
    /// The account's first possible data day (<see cref="IAccountDataStart"/>): a first run or a backfill starts no
    /// earlier. A committed cursor's plan is never moved by it.
    /// </param>
    /// <param name="loadedFrom">
    /// The first day of the stream's earliest committed window for this account (<see cref="Warehouse.IRunLog.GetLoadedFromAsync"/>).
    /// A lookback re-reads committed days and never reaches before it: earlier days were never loaded, and reading them
    /// is a backfill. Without this bound a first run cut short by a crash, whose re-run looks back from a committed
    /// cursor, would load days an uninterrupted first run never asks for, so what the warehouse covers would depend on
    /// how many runs its history took.
    /// </param>
    public static IReadOnlyList<IncrementalWindow> Plan(
        StreamDescriptor stream, string? cursor, StreamSyncSettings settings, DateOnly today, DateOnly? backfillFrom = null, DateOnly? backfillTo = null,
        DateOnly? dataStart = null, DateOnly? loadedFrom = null)
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
            from = Later(backfillFrom ?? today.AddDays(-(settings.FirstRunDays - 1)), dataStart);
            to = backfillTo ?? today;
        }
        else
        {
            to = today;
            from = StreamCursor.Parse(stream, cursor) is not { } committed
                ? Later(today.AddDays(-(settings.FirstRunDays - 1)), dataStart)
                // Lookback N: the last N committed days are read again, so restated numbers replace the old ones.
                : Later(committed.AsDate().AddDays(1 - settings.LookbackDays), loadedFrom);
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

    private static DateOnly Later(DateOnly day, DateOnly? other) => other is { } o && o > day ? o : day;
}

/// <summary>
/// The windows of a stream's plan that were not read because they end before the account's data starts: one line
/// of sync output instead of one empty row each.
/// </summary>
public sealed record SkippedWindows(string Stream, int Count, DateOnly From, DateOnly To, DateOnly DataStart)
{
    /// <summary>What <paramref name="full"/> (the plan without the data start) holds before <paramref name="dataStart"/>, or null.</summary>
    public static SkippedWindows? Before(string stream, IReadOnlyList<IncrementalWindow> full, DateOnly dataStart)
    {
        var before = full.Where(w => w.From < dataStart).ToList();
        return before.Count == 0
            ? null
            : new SkippedWindows(stream, before.Count, before[0].From, before[^1].To < dataStart ? before[^1].To : dataStart.AddDays(-1), dataStart);
    }
}
