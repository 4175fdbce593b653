using Pipeline.Cli.Kpi;
using Pipeline.Cli.Report;

namespace Pipeline.Report.Tests;

/// <summary>How a KPI's numbers read, from its catalog unit and terms; and how a target's period is named.</summary>
public sealed class KpiReadingTests
{
    [TestCase("leads", "Count", true)]
    [TestCase("sessions", "Count", true)]
    [TestCase("cpl", "Currency", true)]
    [TestCase("revenue", "Currency", true)]
    [TestCase("ctr", "Ratio", true)]
    [TestCase("bounce_rate", "Ratio", true)]
    [TestCase("ltv_historic", "Currency", true)]
    [TestCase("channel_session_share", "Ratio", true)]
    [TestCase("retention_rate", "Ratio", true)]
    [TestCase("list_growth", "Count", false)]
    [TestCase("roi", "Ratio", false)]
    [TestCase("nps", "Score", false)]
    [TestCase("sales_growth", "Ratio", false)]
    public void AKpiIsNonNegativeUnlessItsFormulaSubtractsOrItIsAScoreOrGrowth(string kpiId, string unit, bool nonNegative) =>
        Assert.That(KpiReading.IsNonNegative(kpiId, unit), Is.EqualTo(nonNegative));

    [TestCase("email_unsubscribe_rate", "Ratio", true)]
    [TestCase("ctr", "Ratio", true)]
    [TestCase("roi", "Ratio", true)]
    [TestCase("roas", "Ratio", false)]
    [TestCase("pages_per_session", "Ratio", false)]
    [TestCase("cpl", "Currency", false)]
    [TestCase("leads", "Count", false)]
    public void RatesAreRatiosShownInPercent(string kpiId, string unit, bool rate) =>
        Assert.That(KpiReading.IsRate(kpiId, unit), Is.EqualTo(rate));

    [Test]
    public void ARateChangeIsTheDifferenceInPercentagePointsAndAnAmountsIsRelative()
    {
        Assert.Multiple(() =>
        {
            // 0.12 % → 0.56 % unsubscribes: +0.44 pp (a relative change would read ▲ 366.7 %).
            Assert.That(KpiChange.Between("email_unsubscribe_rate", "Ratio", 0.0056, 0.0012), Is.EqualTo(new KpiChange(0.0056 - 0.0012, Points: true)));
            Assert.That(ReportFormat.Change(KpiChange.Between("email_unsubscribe_rate", "Ratio", 0.0056, 0.0012)), Is.EqualTo("▲ 0.4 pp"));
            Assert.That(ReportFormat.Change(new KpiChange(-0.0003, Points: true)), Is.EqualTo("▼ 0.03 pp"));
            Assert.That(ReportFormat.Change(new KpiChange(0, Points: true)), Is.EqualTo("± 0.00 pp"));
            // A rate from 0 still has a change in points; an amount from 0 has no relative change.
            Assert.That(KpiChange.Between("ctr", "Ratio", 0.02, 0), Is.EqualTo(new KpiChange(0.02, Points: true)));
            Assert.That(KpiChange.Between("revenue", "Currency", 100, 0), Is.Null);
            Assert.That(ReportFormat.Change(KpiChange.Between("revenue", "Currency", 112.3, 100)), Is.EqualTo("▲ 12.3%"));
            Assert.That(ReportFormat.Change(KpiChange.Between("roas", "Ratio", 1.5, 2)), Is.EqualTo("▼ 25.0%"));
            Assert.That(ReportFormat.Tone("Lower", KpiChange.Between("email_unsubscribe_rate", "Ratio", 0.0056, 0.0012)), Is.EqualTo("bad"));
        });
    }

    [Test]
    public void ATargetsPeriodIsNamedWithTheReportPeriodThatMeasuresIt()
    {
        var last30 = new KpiRange(new DateOnly(2026, 11, 4), new DateOnly(2026, 12, 3), "last-30d");
        Assert.Multiple(() =>
        {
            Assert.That(ReportPeriods.Describe(last30, new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 31)), Is.EqualTo(("December 2026 (monthly)", (string?)"mtd")));
            Assert.That(ReportPeriods.Describe(last30, new DateOnly(2026, 10, 1), new DateOnly(2026, 12, 31)), Is.EqualTo(("Q4 2026 (quarterly)", (string?)"qtd")));
            Assert.That(ReportPeriods.Describe(last30, new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31)), Is.EqualTo(("2026 (yearly)", (string?)"ytd")));
            Assert.That(ReportPeriods.Describe(last30, new DateOnly(2026, 11, 20), new DateOnly(2026, 12, 10)), Is.EqualTo(("20 Nov – 10 Dec 2026", (string?)null)));
            // Thirty days ending with a month: that month is over, last-month shows it.
            var endOfMonth = new KpiRange(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), "last-30d");
            Assert.That(ReportPeriods.Describe(endOfMonth, new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)).ReportPeriod, Is.EqualTo("last-month"));
            Assert.That(ReportPeriods.IsPeriodOf(last30, new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 31)), Is.False);
            Assert.That(ReportPeriods.IsPeriodOf(new KpiRange(new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 3), "mtd"), new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 31)), Is.True);
        });
    }
}
