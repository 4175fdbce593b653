namespace Pipeline.Warehouse.Marts;

/// <summary>The first day of the period (day, ISO week, month, quarter, year) holding a day: where a range refresh starts.</summary>
public static class MartPeriods
{
    public static DateOnly Start(DateOnly day, string period) => period switch
    {
        "day" => day,
        "week" => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        "month" => new DateOnly(day.Year, day.Month, 1),
        "quarter" => new DateOnly(day.Year, ((day.Month - 1) / 3 * 3) + 1, 1),
        "year" => new DateOnly(day.Year, 1, 1),
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, "day, week, month, quarter or year"),
    };
}
