using System.Globalization;
using static Pipeline.Marts.Tests.MartsFixture;

namespace Pipeline.Marts.Tests;

/// <summary>
/// Coverage and finality of mart.kpi_values (SEMANTICS.md, "Coverage and finality") against the reference's own
/// reading of the world and the fixture's sync plan (CoverageReference.cs).
/// </summary>
public sealed class CoverageTests
{
    [Test]
    public void Every_row_carries_the_coverage_and_status_the_reference_expects()
    {
        var expected = new Dictionary<(string, string, DateOnly), CoverageRow>();
        var wrong = new List<string>();
        var rows = Query("SELECT kpi_id, grain, period_start, period_end, covered_days, period_days, coverage, status, period_complete FROM mart.kpi_values");
        foreach (var r in rows)
        {
            var (kpi, grain, start, end) = ((string)r[0]!, (string)r[1]!, Date(r[2]), Date(r[3]));
            if (!expected.TryGetValue((kpi, grain, start), out var row))
            {
                row = Reference.Coverage.For(kpi, start, end);
                expected[(kpi, grain, start)] = row;
            }

            var actual = (Convert.ToInt32(r[4], CultureInfo.InvariantCulture), Convert.ToInt32(r[5], CultureInfo.InvariantCulture), (string)r[7]!);
            if (actual != (row.CoveredDays, row.PeriodDays, row.Status) || Math.Abs(Dbl(r[6])!.Value - row.Coverage) > 1e-12
                || (bool)r[8]! != (row.CoveredDays == row.PeriodDays))
            {
                wrong.Add($"{kpi} {grain} {start:yyyy-MM-dd}: expected {row.CoveredDays}/{row.PeriodDays} {row.Status}, got {actual.Item1}/{actual.Item2} {actual.Item3}");
            }
        }

        Assert.That(rows, Is.Not.Empty);
        Assert.That(wrong.Distinct().Take(12), Is.Empty, $"{wrong.Count} of {rows.Count} rows differ");
        Assert.That(expected.Values.Select(e => e.Status).Distinct(), Is.EquivalentTo(new[] { "complete", "partial", "provisional" }), "the world has all three");
    }

    [Test]
    public void A_month_the_data_starts_inside_is_partial_and_its_ratio_uses_the_covered_days_only()
    {
        var start = World.StartDate;
        if (start.Day == 1)
        {
            Assert.Ignore("the world starts on the first of a month today; no month starts before its data");
        }

        var month = new DateOnly(start.Year, start.Month, 1);
        var ga4Start = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(SandboxWorld.Ga4.CreateTime, ReferenceKpis.Berlin).DateTime);
        var firstGap = ga4Start > month ? ga4Start : month;

        var sessions = Row("sessions", "month", month, "all", ReferenceKpis.All);
        Assert.Multiple(() =>
        {
            Assert.That(sessions.Status, Is.EqualTo("partial"));
            Assert.That(sessions.CoveredDays, Is.LessThan(sessions.PeriodDays));
            Assert.That(sessions.Reason, Does.Contain(string.Create(CultureInfo.InvariantCulture,
                $"ga4 traffic_daily not loaded {firstGap:yyyy-MM-dd}..{start.AddDays(-1):yyyy-MM-dd}")), "names the stream and the days");
        });

        // ROI's revenue is loaded for the whole month, its cost only from the world's start: the ratio divides the
        // revenue of the days both sides cover by the cost of those days, not the whole month's revenue.
        var roi = Row("roi", "month", month, "all", ReferenceKpis.All);
        var aligned = Reference.Rows[new KpiKey("roi", "month", month, "all", ReferenceKpis.All)];
        var wholeMonth = ReferenceKpis.Compute("roi", Reference.Measures("month")[(month, "all", ReferenceKpis.All)]);
        Assert.Multiple(() =>
        {
            Assert.That(roi.Status, Is.EqualTo("partial"));
            Assert.That(roi.Coverage, Is.EqualTo(Reference.Coverage.For("roi", month, month.AddMonths(1).AddDays(-1)).Coverage).Within(1e-12));
            Assert.That(Compare.Same(aligned, new KpiRow(roi.Numerator, roi.Denominator, roi.Value)), Is.True,
                $"aligned ROI: expected {Compare.Describe(aligned)}, got num={roi.Numerator} den={roi.Denominator} value={roi.Value}");
            Assert.That(wholeMonth?.Numerator, Is.Not.EqualTo(roi.Numerator), "the month's revenue outside the covered days is left out");
        });
    }

    [Test]
    public void Open_deals_created_in_a_finished_month_make_it_provisional()
    {
        var today = Reference.Coverage.Today;
        var month = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        var expected = Reference.Coverage.For("revenue", month, month.AddMonths(1).AddDays(-1));
        Assert.That(expected.OpenDeals, Is.GreaterThan(0), "the world has deals created last month that are still open");

        var revenue = Row("revenue", "month", month, "all", ReferenceKpis.All);
        var sessions = Row("sessions", "month", month, "all", ReferenceKpis.All);
        Assert.Multiple(() =>
        {
            Assert.That(revenue.Status, Is.EqualTo("provisional"));
            Assert.That(revenue.Coverage, Is.EqualTo(1d));
            Assert.That(revenue.Reason, Does.Contain($"provisional: {expected.OpenDeals} deals created in the period still open"));
            Assert.That(revenue.Value, Is.Not.Null, "a provisional value is still shown");
            Assert.That(sessions.Status, Is.EqualTo("complete"), "web data of a finished month outside GA4's lookback is final");
            Assert.That(sessions.Reason, Is.Null);
        });
    }

    [Test]
    public void A_running_period_is_partial_and_says_how_far_it_is()
    {
        var today = Reference.Coverage.Today;
        var month = new DateOnly(today.Year, today.Month, 1);
        var days = DateTime.DaysInMonth(today.Year, today.Month);
        if (today.Day == days)
        {
            Assert.Ignore("today is the month's last day: the month is not running");
        }

        var leads = Row("leads", "month", month, "all", ReferenceKpis.All);
        Assert.Multiple(() =>
        {
            Assert.That(leads.Status, Is.EqualTo("partial"));
            Assert.That(leads.PeriodDays, Is.EqualTo(days));
            Assert.That(leads.Reason, Does.Contain($"period in progress: {today.Day} of {days} days"));
        });
    }

    [Test]
    public void A_currency_without_any_rate_makes_money_kpis_partial_and_is_listed()
    {
        var chf = Files.Costs.Single(c => c.Currency == "CHF");
        var listed = Query("SELECT currency, date, source, \"rows\" FROM dw.fx_missing");
        Assert.That(listed.Select(r => ((string)r[0]!, Date(r[1]), (string)r[2]!, Convert.ToInt64(r[3], CultureInfo.InvariantCulture))),
            Is.EquivalentTo(Reference.Coverage.FxMissing.Select(f => (f.Currency, f.Day, f.Source, 1L))), "dw.fx_missing");

        var cac = Row("cac", "day", chf.Date, "all", ReferenceKpis.All);
        var leads = Row("leads", "day", chf.Date, "all", ReferenceKpis.All);
        Assert.Multiple(() =>
        {
            Assert.That(cac.Status, Is.EqualTo("partial"), "money KPI on the day");
            Assert.That(cac.Reason, Does.Contain("no FX rate for CHF on 1 day"));
            Assert.That(cac.Numerator, Is.Null, "the day is not covered, so the ratio has no covered day");
            Assert.That(leads.Reason ?? "", Does.Not.Contain("FX"), "counts do not need a rate");
        });
    }

    /// <summary>A row of mart.kpi_values with its coverage columns.</summary>
    internal static CoverageRowView Row(string kpi, string grain, DateOnly start, string type, string segment)
    {
        var rows = Query(
            "SELECT numerator, denominator, value, coverage, covered_days, period_days, status, status_reason FROM mart.kpi_values " +
            "WHERE kpi_id = $kpi AND grain = $grain AND period_start = $start AND segment_type = $type AND segment = $segment",
            ("kpi", kpi), ("grain", grain), ("start", start.ToDateTime(TimeOnly.MinValue)), ("type", type), ("segment", segment));
        Assert.That(rows, Has.Count.EqualTo(1), $"{kpi} {grain} {start:yyyy-MM-dd} {type}={segment} is one row");
        var r = rows[0];
        return new CoverageRowView(Dec(r[0]), Dec(r[1]), Dbl(r[2]), Dbl(r[3])!.Value, Convert.ToInt32(r[4], CultureInfo.InvariantCulture),
            Convert.ToInt32(r[5], CultureInfo.InvariantCulture), (string)r[6]!, (string?)r[7]);
    }
}

internal sealed record CoverageRowView(decimal? Numerator, decimal? Denominator, double? Value, double Coverage, int CoveredDays, int PeriodDays, string Status, string? Reason);
