using static Pipeline.Marts.Tests.MartsFixture;

namespace Pipeline.Marts.Tests;

/// <summary>
/// Coverage and scope on the audience dashboards and the targets: a running period reads as partial with its reason,
/// a row's status is the worst of the KPIs it shows, blended and paid figures stand side by side, and revenue without
/// cost never becomes an ROI.
/// </summary>
public sealed class DashboardTests
{
    private static readonly string[] ExecutiveKpis = ["revenue", "roi", "roi_paid", "romi", "new_customers", "cac", "cac_paid", "aov"];

    /// <summary>Today in the fixture's reporting zone (Europe/Berlin): the day the running period has reached.</summary>
    private static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTime.UtcNow, ReferenceKpis.Berlin));

    [Test]
    public void Executive_row_of_a_running_period_is_partial_and_says_how_far_it_is()
    {
        var today = Today;
        var grain = today < ReferenceKpis.PeriodEnd("month", ReferenceKpis.PeriodStart("month", today)) ? "month"
            : today < ReferenceKpis.PeriodEnd("quarter", ReferenceKpis.PeriodStart("quarter", today)) ? "quarter" : null;
        if (grain is null)
        {
            Assert.Ignore("today ends a quarter: no running month or quarter to look at");
        }

        var start = ReferenceKpis.PeriodStart(grain, today);
        var days = ReferenceKpis.PeriodEnd(grain, start).DayNumber - start.DayNumber + 1;
        var elapsed = today.DayNumber - start.DayNumber + 1;
        var row = Query(
            "SELECT status, coverage, covered_days, period_days, status_reason, period_complete FROM mart.dashboard_executive WHERE is_total AND grain = $grain AND period_start = $start",
            ("grain", grain), ("start", start)).Single();

        Assert.Multiple(() =>
        {
            Assert.That(row[0], Is.EqualTo("partial"));
            Assert.That(Dbl(row[3]), Is.EqualTo(days));
            Assert.That(Dbl(row[2]), Is.LessThanOrEqualTo(elapsed), "no day after today is covered");
            Assert.That(Dbl(row[1]), Is.EqualTo(Dbl(row[2]) / days).Within(1e-12));
            Assert.That(row[4], Does.Contain($"period in progress: {elapsed} of {days} days"));
            Assert.That(row[5], Is.False);
        });
    }

    [Test]
    public void Executive_status_is_the_worst_of_its_kpis_and_shows_blended_and_paid_side_by_side()
    {
        var kpis = Query(
            $"""
            SELECT grain, period_start, segment, kpi_id, value, coverage, status, status_reason FROM mart.kpi_values
            WHERE grain IN ('month', 'quarter') AND segment_type IN ('all', 'channel') AND kpi_id IN ({string.Join(", ", ExecutiveKpis.Select(k => $"'{k}'"))})
            """).GroupBy(r => ((string)r[0]!, Date(r[1]), (string)r[2]!)).ToDictionary(g => g.Key, g => g.ToList());
        var rows = Query("SELECT grain, period_start, channel, status, coverage, status_reason, roi, roi_paid, cac, cac_paid FROM mart.dashboard_executive");
        Assert.That(rows, Is.Not.Empty);
        Assert.That(rows.Select(r => r[3]).Distinct().Count(), Is.GreaterThan(1), "the test world has periods of more than one status");
        Assert.Multiple(() =>
        {
            foreach (var r in rows)
            {
                var key = ((string)r[0]!, Date(r[1]), (string)r[2]!);
                var shown = kpis[key];
                var worst = shown.Select(k => (string)k[6]!).MaxBy(Rank);
                var parts = shown.Where(k => k[7] is not null).SelectMany(k => ((string)k[7]!).Split("; ")).Distinct().Order(StringComparer.Ordinal).ToList();
                double? Value(string kpi) => Dbl(shown.SingleOrDefault(k => (string)k[3]! == kpi)?[4]);
                var what = $"{key.Item1} {key.Item2:yyyy-MM-dd} {key.Item3}";
                Assert.That(r[3], Is.EqualTo(worst), $"{what}: status");
                Assert.That(Dbl(r[4]), Is.EqualTo(shown.Min(k => Dbl(k[5]))), $"{what}: coverage");
                Assert.That(r[5], Is.EqualTo(parts.Count == 0 ? null : string.Join("; ", parts)), $"{what}: status_reason");
                Assert.That(new[] { Dbl(r[6]), Dbl(r[7]), Dbl(r[8]), Dbl(r[9]) }, Is.EqualTo(new[] { Value("roi"), Value("roi_paid"), Value("cac"), Value("cac_paid") }), $"{what}: ROI and CAC blended and paid");
            }
        });
    }

    [Test]
    public void Executive_never_shows_revenue_without_cost_as_an_roi()
    {
        var rows = Query(
            """
            SELECT e.grain, e.period_start, e.channel, e.roi, e.roi_paid, e.status_reason, c.has_cost_source
            FROM mart.dashboard_executive AS e
            LEFT JOIN dw.dim_channel AS c ON c.channel = e.channel
            WHERE e.revenue > 0 AND COALESCE(e.marketing_cost, 0) = 0
            """);
        Assert.That(rows, Is.Not.Empty, "the test world has channels with revenue and no cost");
        Assert.Multiple(() =>
        {
            foreach (var r in rows)
            {
                var what = $"{r[0]} {Date(r[1]):yyyy-MM-dd} {r[2]}";
                Assert.That(r[3], Is.Null, $"{what}: blended ROI");
                Assert.That(r[4], Is.Null, $"{what}: paid ROI");
                if (r[6] is false)
                {
                    Assert.That(r[5], Does.Contain("cost source for " + r[2]), $"{what}: the reason names the missing cost source");
                }
            }
        });
    }

    [Test]
    public void Marketing_and_specialist_rows_carry_the_worst_status_of_their_kpis_and_cpl_blended_and_paid()
    {
        var kpis = Query(
            """
            SELECT grain, period_start, segment, kpi_id, value, status FROM mart.kpi_values
            WHERE grain IN ('week', 'month') AND segment_type = 'campaign' AND kpi_id IN ('cpl', 'cpl_paid', 'ctr')
            """).ToDictionary(r => ((string)r[0]!, Date(r[1]), (string)r[2]!, (string)r[3]!), r => (Value: Dbl(r[4]), Status: (string)r[5]!));
        var marketing = Query("SELECT grain, period_start, campaign, cpl, cpl_paid, status FROM mart.dashboard_marketing WHERE leads > 0");
        var specialist = Query("SELECT grain, period_start, campaign, status, ctr FROM mart.dashboard_specialist WHERE kind = 'ads'");
        Assert.That(marketing, Is.Not.Empty);
        Assert.That(specialist, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var r in marketing)
            {
                var key = ((string)r[0]!, Date(r[1]), (string)r[2]!);
                var cpl = kpis.GetValueOrDefault((key.Item1, key.Item2, key.Item3, "cpl"));
                var paid = kpis.GetValueOrDefault((key.Item1, key.Item2, key.Item3, "cpl_paid"));
                Assert.That(new[] { Dbl(r[3]), Dbl(r[4]) }, Is.EqualTo(new[] { cpl.Value, paid.Value }), $"marketing {key}: CPL blended and paid");
                Assert.That(Rank((string)r[5]!), Is.GreaterThanOrEqualTo(Math.Max(Rank(cpl.Status), Rank(paid.Status))), $"marketing {key}: status no better than its CPLs'");
            }

            foreach (var r in specialist)
            {
                var key = ((string)r[0]!, Date(r[1]), (string)r[2]!);
                Assert.That(r[3], Is.Not.Null, $"specialist {key}: status");
                if (kpis.TryGetValue((key.Item1, key.Item2, key.Item3, "ctr"), out var ctr))
                {
                    Assert.That(Rank((string)r[3]!), Is.GreaterThanOrEqualTo(Rank(ctr.Status)), $"specialist {key}: status no better than its CTR's");
                }
            }
        });
    }

    [Test]
    public void Target_carries_the_coverage_of_its_own_range_and_a_running_range_is_partial()
    {
        var target = Files.Targets.Single(t => t.Kpi == "new_customers" && t.Segment == "Audio");
        var today = Today;
        var row = Query(
            "SELECT coverage, covered_days, period_days, coverage_status, status_reason, status FROM mart.kpi_target_progress WHERE kpi_id = 'new_customers' AND segment = 'Audio'").Single();
        var range = Query(
            "SELECT covered_days FROM mart.kpi_over_range($from, $to) WHERE kpi_id = 'new_customers' AND segment_type = 'all'",
            ("from", target.PeriodStart), ("to", target.PeriodEnd)).Single();
        var days = target.PeriodEnd.DayNumber - target.PeriodStart.DayNumber + 1;

        Assert.Multiple(() =>
        {
            Assert.That(Dbl(row[2]), Is.EqualTo(days));
            Assert.That(Dbl(row[1]), Is.EqualTo(Dbl(range[0])), "the same covered days as mart.kpi_over_range over the target's range");
            Assert.That(Dbl(row[0]), Is.EqualTo(Dbl(row[1]) / days).Within(1e-12));
            Assert.That(row[3], Is.EqualTo("partial"), "the range runs past today");
            Assert.That(row[4], Does.Contain($"period in progress: {today.DayNumber - target.PeriodStart.DayNumber + 1} of {days} days"));
            Assert.That(row[5], Is.EqualTo("off track"), "the progress status stays what it was");
        });
    }

    private static int Rank(string status) => status switch
    {
        "partial" => 3,
        "provisional" => 2,
        _ => 1,
    };
}
