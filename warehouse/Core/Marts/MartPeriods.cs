namespace Pipeline.Warehouse.Marts;

/// <summary>Where a range refresh starts: the earliest period start of any row whose period holds a given day or a later one.</summary>
public static class MartPeriods
{
    /// <summary>
    /// The first day of the widest period (day, ISO week, month, quarter, year) holding <paramref name="day"/>, or of
    /// its ISO week when that starts earlier: a mart keyed by month or quarter has week rows too (kpi_values), and a
    /// week straddles months and quarters (the week of Thursday 1 October 2026 starts on 28 September).
    /// </summary>
    public static DateOnly Start(DateOnly day, string period)
    {
        var week = day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
        var start = period switch
        {
            "day" => day,
            "week" => week,
            "month" => new DateOnly(day.Year, day.Month, 1),
            "quarter" => new DateOnly(day.Year, ((day.Month - 1) / 3 * 3) + 1, 1),
            "year" => new DateOnly(day.Year, 1, 1),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, "day, week, month, quarter or year"),
        };
        return period == "day" || start <= week ? start : week;
    }
}
