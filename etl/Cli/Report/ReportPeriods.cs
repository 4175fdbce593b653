using System.Globalization;
using Pipeline.Cli.Kpi;

namespace Pipeline.Cli.Report;

/// <summary>The period a report range is compared with, and the grain its trend lines are drawn at.</summary>
internal static class ReportPeriods
{
    /// <summary>
    /// Calendar periods compare with the same span one month, quarter or year earlier (month to date with the same
    /// days of last month); day counts and custom ranges with as many days just before.
    /// </summary>
    public static KpiRange Previous(KpiRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        var months = range.Label switch
        {
            "mtd" or "last-month" => 1,
            "qtd" or "last-quarter" => 3,
            "ytd" => 12,
            _ => 0,
        };
        if (months == 0)
        {
            var days = range.To.DayNumber - range.From.DayNumber + 1;
            return new KpiRange(range.From.AddDays(-days), range.From.AddDays(-1), "previous");
        }

        var from = range.From.AddMonths(-months);
        // A whole month or quarter compares with the whole one before; "to date" with the same number of days, cut at
        // the end of that earlier period (March 31 to date against February: up to February 28).
        var periodEnd = range.From.AddDays(-1);
        var to = range.Label is "last-month" or "last-quarter"
            ? periodEnd
            : Min(range.To.AddMonths(-months), periodEnd);
        return new KpiRange(from, to, "previous");
    }

    /// <summary>Days for a month or two, weeks up to a year, months beyond.</summary>
    public static string TrendGrain(KpiRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        var days = range.To.DayNumber - range.From.DayNumber + 1;
        return days <= 62 ? "day" : days <= 370 ? "week" : "month";
    }

    /// <summary>
    /// The grain a KPI's trend is drawn at: KPIs reviewed daily at the range's grain, the others (weekly or monthly
    /// cadence: leads, revenue, customers) one step coarser, where their values are not mostly empty days.
    /// </summary>
    public static string TrendGrain(KpiRange range, string cadence)
    {
        var grain = TrendGrain(range);
        return cadence == "Daily" ? grain : grain switch { "day" => "week", _ => "month" };
    }

    /// <summary>The starts of the calendar periods of a grain that overlap the range, in order.</summary>
    public static IReadOnlyList<DateOnly> PeriodStarts(KpiRange range, string grain)
    {
        ArgumentNullException.ThrowIfNull(range);
        var starts = new List<DateOnly>();
        for (var start = StartOf(range.From, grain); start <= range.To; start = grain switch { "week" => start.AddDays(7), "month" => start.AddMonths(1), _ => start.AddDays(1) })
        {
            starts.Add(start);
        }

        return starts;
    }

    /// <summary>The first day of the day, ISO week (Monday) or month holding a day.</summary>
    public static DateOnly StartOf(DateOnly day, string grain) => grain switch
    {
        "week" => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        "month" => new DateOnly(day.Year, day.Month, 1),
        _ => day,
    };

    /// <summary>
    /// Whether a target's period is the range's: it starts where the range starts and holds its end, so its progress
    /// to date is the range's (a month's target on last month or month to date; not on the last 30 days).
    /// </summary>
    public static bool IsPeriodOf(KpiRange range, DateOnly targetFrom, DateOnly targetTo)
    {
        ArgumentNullException.ThrowIfNull(range);
        return targetFrom == range.From && range.To <= targetTo;
    }

    /// <summary>
    /// A target's period as people name it, "December 2026 (monthly)", "Q4 2026 (quarterly)", "2026 (yearly)", else its
    /// dates; with the <c>--period</c> whose report shows its progress when there is one.
    /// </summary>
    public static (string Name, string? ReportPeriod) Describe(KpiRange range, DateOnly from, DateOnly to)
    {
        ArgumentNullException.ThrowIfNull(range);
        // The target holds the range's end; it is still running when it ends after it, or when the range runs to today.
        var running = to > range.To || range.Label is "mtd" or "qtd" or "ytd";
        if (from.Day == 1 && to == from.AddMonths(1).AddDays(-1))
        {
            return (from.ToString("MMMM yyyy", CultureInfo.InvariantCulture) + " (monthly)", running ? "mtd" : "last-month");
        }

        if (from.Day == 1 && from.Month % 3 == 1 && to == from.AddMonths(3).AddDays(-1))
        {
            return (FormattableString.Invariant($"Q{(from.Month + 2) / 3} {from.Year} (quarterly)"), running ? "qtd" : "last-quarter");
        }

        if (from.Day == 1 && from.Month == 1 && to == from.AddYears(1).AddDays(-1))
        {
            return (FormattableString.Invariant($"{from.Year} (yearly)"), running ? "ytd" : null);
        }

        return (ReportFormat.Range(new KpiRange(from, to, "target")), null);
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}

/// <summary>Builds the request for a named period ending relative to today.</summary>
internal static class ReportRequests
{
    public static ReportRequest For(string period, DateOnly today, DateTimeOffset now)
    {
        var range = KpiPeriods.Resolve(period, today);
        return new ReportRequest(range, ReportPeriods.Previous(range), now);
    }
}
