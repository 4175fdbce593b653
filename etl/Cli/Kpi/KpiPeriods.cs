namespace Pipeline.Cli.Kpi;

/// <summary>A closed date range [From, To] and the name it was asked by (a period name or <c>custom</c>).</summary>
internal sealed record KpiRange(DateOnly From, DateOnly To, string Label)
{
    public override string ToString() => $"{From:yyyy-MM-dd}..{To:yyyy-MM-dd}";
}

/// <summary>
/// Named reporting periods, relative to today. "last-N days" are complete days and end yesterday (as GA4 counts
/// them: today is still loading); "to date" periods run through today.
/// </summary>
internal static class KpiPeriods
{
    public const string Default = "last-30d";

    public static readonly string[] Names = ["last-7d", "last-30d", "last-90d", "mtd", "qtd", "ytd", "last-month", "last-quarter"];

    public static KpiRange Resolve(string name, DateOnly today)
    {
        var month = new DateOnly(today.Year, today.Month, 1);
        var quarter = new DateOnly(today.Year, ((today.Month - 1) / 3 * 3) + 1, 1);
        var (from, to) = name switch
        {
            "last-7d" => (today.AddDays(-7), today.AddDays(-1)),
            "last-30d" => (today.AddDays(-30), today.AddDays(-1)),
            "last-90d" => (today.AddDays(-90), today.AddDays(-1)),
            "mtd" => (month, today),
            "qtd" => (quarter, today),
            "ytd" => (new DateOnly(today.Year, 1, 1), today),
            "last-month" => (month.AddMonths(-1), month.AddDays(-1)),
            "last-quarter" => (quarter.AddMonths(-3), quarter.AddDays(-1)),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown period"),
        };
        return new KpiRange(from, to, name);
    }
}
