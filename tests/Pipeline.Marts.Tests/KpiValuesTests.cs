using Pipeline.Warehouse.Kpi;
using static Pipeline.Marts.Tests.MartsFixture;

namespace Pipeline.Marts.Tests;

/// <summary>mart.kpi_values against the reference computed from the sandbox world's facts.</summary>
public sealed class KpiValuesTests
{
    /// <summary>The KPIs the catalog publishes in mart.kpi_values (the catalog is only used to list them).</summary>
    public static IReadOnlyList<string> KpiValuesIds { get; } =
        KpiCatalog.All.Where(k => k.View == "mart.kpi_values").Select(k => k.Id).ToList();

    public static IEnumerable<TestCaseData> EveryKpiGrainAndSegmentType() =>
        from kpi in KpiValuesIds
        from grain in ReferenceKpis.Grains
        from type in ReferenceKpis.SegmentTypes
        select new TestCaseData(kpi, grain, type).SetName($"{{m}}({kpi},{grain},{type})");

    [Test]
    public void The_mart_publishes_exactly_the_catalog_kpis_and_the_reference_covers_each()
    {
        var inMart = Mart.Keys.Select(k => k.Kpi).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.That(inMart, Is.EquivalentTo(KpiValuesIds), "KPI ids in mart.kpi_values");
        var covered = ReferenceKpis.Inputs.Keys.Concat(["users", "new_users", "channel_session_share"]);
        Assert.That(KpiValuesIds, Is.SubsetOf(covered), "every published KPI has a reference formula");
    }

    [TestCaseSource(nameof(EveryKpiGrainAndSegmentType))]
    public void Matches_the_reference(string kpi, string grain, string segmentType)
    {
        var expected = Reference.Rows.Where(r => r.Key.Kpi == kpi && r.Key.Grain == grain && r.Key.SegmentType == segmentType).ToDictionary();
        var actual = Mart.Where(r => r.Key.Kpi == kpi && r.Key.Grain == grain && r.Key.SegmentType == segmentType).ToDictionary();
        Assert.That(Compare.Rows(expected, actual), Is.Null, $"{kpi} at {grain} × {segmentType}");
    }

    /// <summary>No extra and no missing (grain, period, segment) rows, for KPIs of every source.</summary>
    [TestCase("sessions")]
    [TestCase("ctr")]
    [TestCase("email_open_rate")]
    [TestCase("list_growth")]
    [TestCase("revenue")]
    [TestCase("deals_created")]
    [TestCase("cac")]
    [TestCase("nps")]
    [TestCase("users")]
    public void Has_exactly_the_reference_rows(string kpi)
    {
        var expected = Reference.Rows.Keys.Where(k => k.Kpi == kpi).ToHashSet();
        var actual = Mart.Keys.Where(k => k.Kpi == kpi).ToHashSet();
        Assert.Multiple(() =>
        {
            Assert.That(expected, Is.Not.Empty, "the world has data for " + kpi);
            Assert.That(actual.Except(expected).Take(10), Is.Empty, "rows the reference does not have");
            Assert.That(expected.Except(actual).Take(10), Is.Empty, "rows the mart lacks");
        });
    }

    [Test]
    public void A_zero_denominator_gives_null_never_zero_or_an_error()
    {
        // Constructed: a cost and its refund on a day the channel won a deal, so ROI divides real revenue by exactly 0.
        Assert.That(Files.ZeroCost, Is.Not.Null, "the world has a won deal on a day the cost file can net to 0");
        var (day, fileChannel) = Files.ZeroCost!.Value;
        var channel = ReferenceKpis.FileChannels[fileChannel];
        AssertNullRow(new KpiKey("roi", "day", day, "channel", channel), numeratorNonZero: true);
        AssertNullRow(new KpiKey("romi", "day", day, "channel", channel), numeratorNonZero: true);

        // Found in the data: a day and channel with closed deals of which none was won has no sales cycle.
        var lostOnly = Reference.Rows.Keys
            .Where(k => k.Kpi == "sales_cycle_days" && k.Grain == "day" && k.SegmentType == "channel")
            .FirstOrDefault(k => Reference.Rows[k].Denominator == 0 && Reference.Rows[k with { Kpi = "win_rate" }].Denominator > 0);
        Assert.That(lostOnly, Is.Not.Null, "the world has a day with closed but no won deals in one channel");
        AssertNullRow(lostOnly!, numeratorNonZero: false);
        Assert.That(Mart[lostOnly! with { Kpi = "win_rate" }].Value, Is.EqualTo(0d), "win rate of that day is a real 0");

        // Only passives answered: NPS is 0, a value, not NULL.
        var passives = Files.Nps.GroupBy(n => n.Date).First(g => g.All(n => n.Score is 7 or 8)).Key;
        Assert.That(Mart[new KpiKey("nps", "day", passives, "all", ReferenceKpis.All)].Value, Is.EqualTo(0d));
    }

    [Test]
    public void A_side_without_any_data_is_unknown_not_zero()
    {
        // Podcast costs (channel Audio) but no customer ever came from Audio: CAC has a cost and no customer data.
        var podcastDay = Files.Costs.First(c => c.Channel == "podcast" && c.Currency == "EUR" && c.Cost > 0).Date;
        var row = Mart[new KpiKey("cac", "day", podcastDay, "channel", "Audio")];
        Assert.Multiple(() =>
        {
            Assert.That(row.Numerator, Is.EqualTo(1250m), "the cost");
            Assert.That(row.Denominator, Is.Null, "no customer data in Audio");
            Assert.That(row.Value, Is.Null);
        });

        // A cost in a currency without any FX rate drops out: its own campaign has no known cost.
        var chf = Files.Costs.Single(c => c.Currency == "CHF");
        var chfRow = Mart[new KpiKey("cac", "day", chf.Date, "campaign", chf.Campaign)];
        Assert.That(chfRow, Is.EqualTo(new KpiRow(null, null, null)), "CHF cost without a rate");
    }

    private static void AssertNullRow(KpiKey key, bool numeratorNonZero)
    {
        var rows = Query(
            "SELECT numerator, denominator, value, value IS NULL FROM mart.kpi_values WHERE kpi_id = $kpi AND grain = $grain AND period_start = $day AND segment_type = $type AND segment = $segment",
            ("kpi", key.Kpi), ("grain", key.Grain), ("day", key.PeriodStart.ToDateTime(TimeOnly.MinValue)), ("type", key.SegmentType), ("segment", key.Segment));
        Assert.That(rows, Has.Count.EqualTo(1), $"{key} is a row");
        var row = rows[0];
        Assert.Multiple(() =>
        {
            Assert.That(Dec(row[1]), Is.EqualTo(0m), $"{key}: the denominator is 0");
            if (numeratorNonZero)
            {
                Assert.That(Dec(row[0]), Is.Not.EqualTo(0m), $"{key}: the numerator is not (so x/0, not only 0/0, is NULL)");
            }

            Assert.That(row[3], Is.EqualTo(true), $"{key}: value IS NULL, got {row[2]}");
            Assert.That(Reference.Rows[key].Value, Is.Null, "the reference agrees");
        });
    }
}
