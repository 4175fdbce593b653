using static Pipeline.Marts.Tests.MartsFixture;

namespace Pipeline.Marts.Tests;

/// <summary>mart.kpi_over_range(start, end): the same KPIs over any date range.</summary>
public sealed class KpiOverRangeTests
{
    /// <summary>Fetched and dedicated KPIs are not range sums.</summary>
    private static readonly string[] NotInRange = ["users", "new_users", "channel_session_share"];

    [Test]
    public void Over_a_calendar_month_equals_the_month_rows_of_kpi_values()
    {
        // The first month wholly inside the world, so web and ad data cover every day of it.
        var month = new DateOnly(World.StartDate.Year, World.StartDate.Month, 1).AddMonths(1);
        var end = month.AddMonths(1).AddDays(-1);
        Assert.That(end, Is.LessThanOrEqualTo(World.EndDate), "the world holds a whole month");
        var range = OverRange(month, end);
        var monthRows = Mart.Where(r => r.Key.Grain == "month" && r.Key.PeriodStart == month && !NotInRange.Contains(r.Key.Kpi))
            .ToDictionary(r => (r.Key.Kpi, r.Key.SegmentType, r.Key.Segment), r => r.Value);
        Assert.That(range, Is.Not.Empty);
        Assert.That(Compare.Rows(monthRows, range), Is.Null, $"kpi_over_range({month:yyyy-MM-dd}, {end:yyyy-MM-dd}) vs month rows");
    }

    [Test]
    public void Over_an_arbitrary_range_matches_the_reference()
    {
        // Crosses a month and several ISO weeks, starts and ends mid-week.
        var from = World.StartDate.AddDays(10);
        var to = World.StartDate.AddDays(33);
        var expected = Reference.OverRange(from, to);
        var actual = OverRange(from, to);
        Assert.That(Compare.Rows(expected, actual), Is.Null, $"kpi_over_range({from:yyyy-MM-dd}, {to:yyyy-MM-dd})");
        Assert.That(Query("SELECT DISTINCT period_start, period_end FROM mart.kpi_over_range($from, $to)", ("from", from.ToDateTime(TimeOnly.MinValue)), ("to", to.ToDateTime(TimeOnly.MinValue)))
            .Select(r => (Date(r[0]), Date(r[1]))), Is.EqualTo(new[] { (from, to) }), "every row carries the range");
    }

    private static Dictionary<(string Kpi, string Type, string Segment), KpiRow> OverRange(DateOnly from, DateOnly to) =>
        Query(
            "SELECT kpi_id, segment_type, segment, numerator, denominator, value FROM mart.kpi_over_range($from, $to)",
            ("from", from.ToDateTime(TimeOnly.MinValue)), ("to", to.ToDateTime(TimeOnly.MinValue)))
        .ToDictionary(r => ((string)r[0]!, (string)r[1]!, (string)r[2]!), r => new KpiRow(Dec(r[3]), Dec(r[4]), Dbl(r[5])));
}
