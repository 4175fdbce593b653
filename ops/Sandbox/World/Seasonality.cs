namespace Pipeline.Sandbox.World;

/// <summary>
/// The demand curve of the demo business (an interior-lighting supplier selling to designers, shops and homeowners):
/// a quiet summer, an autumn build-up, a Q4 peak in November, a Christmas lull, and steady growth of 1.5 % a month.
/// New contacts (and with them deals), GA4 traffic and the Meta budgets follow it, so every source tells one story.
/// Pure functions of the date: nothing is stored per day.
/// </summary>
internal static class Seasonality
{
    /// <summary>Demand in the middle of each month, January first (1 = an average month).</summary>
    private static readonly double[] MidMonth = [0.9, 0.93, 1.0, 0.98, 0.95, 0.88, 0.8, 0.83, 1.0, 1.1, 1.22, 1.05];

    /// <summary>New contacts by weekday, Sunday first: office days for trade buyers, a quiet weekend.</summary>
    public static readonly double[] LeadWeekday = [0.7, 1.1, 1.12, 1.1, 1.05, 0.95, 0.78];

    /// <summary>Growth per month (compounded), a steady SME's few per cent at most.</summary>
    public const double MonthlyGrowth = 0.015;

    /// <summary>Seasonal demand on <paramref name="day"/> (interpolated between mid-months) times growth since <paramref name="anchor"/>; no weekday effect.</summary>
    public static double Level(DateOnly day, DateOnly anchor)
    {
        // Position in the year in months, 0 = mid-January; interpolate linearly between neighbouring mid-months.
        var position = day.Month - 1 + ((day.Day - 0.5) / DateTime.DaysInMonth(day.Year, day.Month)) - 0.5;
        var lower = (int)Math.Floor(position);
        var fraction = position - lower;
        var season = (MidMonth[(lower + 12) % 12] * (1 - fraction)) + (MidMonth[(lower + 13) % 12] * fraction);
        var growth = Math.Pow(1 + MonthlyGrowth, (day.DayNumber - anchor.DayNumber) / 30.44);
        return season * growth;
    }

    /// <summary>Relative number of new contacts on a day: the seasonal level times the weekday pattern.</summary>
    public static double Leads(DateOnly day, DateOnly anchor) => Level(day, anchor) * LeadWeekday[(int)day.DayOfWeek];
}
