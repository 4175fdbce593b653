namespace Pipeline.Connectors.Values;

/// <summary>
/// Boxes for the typed values of report rows (a row is an <c>object?[]</c>), shared by every row with the same value:
/// the small counts that most cells of a report hold (sessions, clicks, conversions of one segment and day), zero
/// amounts (the revenue and action values of most segments) and the dates (one per day of a window, on every row of that day). A box is immutable, so sharing one cannot change a value;
/// what it saves is an allocation per cell, most of a report's garbage. Thread-safe: two threads boxing the same value
/// at once may each make one, and either serves.
/// </summary>
public static class SharedBoxes
{
    /// <summary>Counts from 0 up to this bound (exclusive) share a box.</summary>
    public const long SmallCountBound = 1024;

    private static readonly object ZeroAmount = 0m;

    private static readonly object[] SmallCounts = [.. Enumerable.Range(0, (int)SmallCountBound).Select(static i => (object)(long)i)];

    // Days of 1970..2099 (DateOnly.DayNumber offsets), filled as they are first asked for.
    private static readonly DateOnly FirstDay = new(1970, 1, 1);
    private static readonly object?[] Days = new object?[new DateOnly(2100, 1, 1).DayNumber - FirstDay.DayNumber];

    /// <summary><paramref name="value"/> boxed: the shared box for a small count, a new one otherwise.</summary>
    public static object Count(long value) => value is >= 0 and < SmallCountBound ? SmallCounts[value] : value;

    /// <summary><paramref name="value"/> boxed: the shared box for zero (of any scale: "0" and "0.00" are one amount), a new one otherwise.</summary>
    public static object Amount(decimal value) => value == 0m ? ZeroAmount : value;

    /// <summary><paramref name="value"/> boxed: one box per day of 1970-2099, a new one outside.</summary>
    public static object Day(DateOnly value)
    {
        var index = value.DayNumber - FirstDay.DayNumber;
        if ((uint)index >= (uint)Days.Length)
        {
            return value;
        }

        return Volatile.Read(ref Days[index]) ?? (Days[index] = value);
    }
}
