using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Pipeline.Cli.Kpi;
using Pipeline.Cli.Report;

namespace Pipeline.Report.Tests;

/// <summary>
/// What the report's numbers mean, read from the demo warehouse: targets only on tiles of their own period, usual
/// ranges of KPIs that cannot be negative from 0, rate changes in percentage points, and campaign ROAS only where
/// revenue is attributed.
/// </summary>
public sealed partial class ReportSemanticsTests
{
    [Test]
    public async Task ALast30DaysTileNamesTheMonthsTargetInsteadOfMeasuringProgressTowardsIt()
    {
        // Thirty days ending on the third of this month: the demo's targets are for this calendar month (and quarter).
        var monthStart = ReportReading.MonthStart;
        var to = monthStart.AddDays(2);
        var (data, html) = await ReportReading.ReadAsync(new KpiRange(to.AddDays(-29), to, "last-30d"));

        var tiles = data.Audiences.SelectMany(a => a.Tiles).ToList();
        Assert.That(tiles.Where(t => t.OtherPeriodTarget is not null).Select(t => t.Kpi.Id), Does.Contain("revenue").And.Contain("leads").And.Contain("cpl"),
            "the demo sets this month's targets for revenue, leads and CPL");
        Assert.That(tiles.Where(t => t.Target is not null).Select(t => t.Kpi.Id), Is.Empty, "no target of the demo is for these 30 days");

        var revenue = ReportReading.Tile(data, "executive", "revenue");
        Assert.That((revenue.OtherPeriodTarget!.From, revenue.OtherPeriodTarget.To), Is.EqualTo((monthStart, monthStart.AddMonths(1).AddDays(-1))), "the month's target, not the quarter's");

        var tile = TileMarkup(html, "executive", "revenue");
        var month = monthStart.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
        Assert.Multiple(() =>
        {
            Assert.That(tile, Does.Not.Contain("class=\"meter\"").And.Not.Contain("<div class=\"target\" data-status"), "no progress towards another period's target");
            Assert.That(WebUtility.HtmlDecode(tile), Does.Contain($"is for {month} (monthly): see the month view (pipeline report --period mtd)"));
        });
    }

    [Test]
    public async Task MonthAndQuarterToDateTilesShowProgressTowardsTheTargetOfTheirOwnPeriod()
    {
        var today = ReportReading.Today;
        var (mtd, mtdHtml) = await ReportReading.ReadAsync(new KpiRange(ReportReading.MonthStart, today, "mtd"));
        var monthly = ReportReading.Tile(mtd, "executive", "revenue").Target;
        Assert.That(monthly, Is.Not.Null, "the demo sets a revenue target for this month");
        Assert.That((monthly!.From, monthly.To), Is.EqualTo((ReportReading.MonthStart, ReportReading.MonthStart.AddMonths(1).AddDays(-1))));
        Assert.That(TileMarkup(mtdHtml, "executive", "revenue"), Does.Contain("<div class=\"target\" data-status=\"" + monthly.Status + "\""));

        // Revenue has a month's and a quarter's target: quarter to date measures the quarter's.
        var (qtd, _) = await ReportReading.ReadAsync(new KpiRange(ReportReading.QuarterStart, today, "qtd"));
        var quarterly = ReportReading.Tile(qtd, "executive", "revenue").Target;
        Assert.That(quarterly, Is.Not.Null);
        Assert.That((quarterly!.From, quarterly.To), Is.EqualTo((ReportReading.QuarterStart, ReportReading.QuarterStart.AddMonths(3).AddDays(-1))));
    }

    [Test]
    public async Task UsualRangesOfKpisThatCannotBeNegativeStartAtZero()
    {
        // A day on which the mart's band of a count (or amount, or rate) reaches below 0.
        var today = ReportReading.Today;
        var rows = await Marts.QueryAsync(
            "SELECT date, kpi_id, unit, segment_type, segment, lower_bound, upper_bound FROM mart.kpi_anomalies WHERE lower_bound < 0 AND date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE) ORDER BY date DESC, abs(robust_z) DESC",
            ("from", today.AddDays(-75)), ("to", today));
        var negative = rows.Where(r => KpiReading.IsNonNegative((string)r[1]!, (string)r[2]!)).ToList();
        Assert.That(negative, Is.Not.Empty, "the demo world has an anomaly of a small count whose band reaches below 0");
        var day = (DateOnly)negative[0][0]!;
        var kpi = (string)negative[0][1]!;
        var segment = (string)negative[0][4]!;

        var (data, html) = await ReportReading.ReadAsync(new KpiRange(day, day, "custom"));
        var listed = data.Audiences.SelectMany(a => a.Anomalies).ToList();
        Assert.That(listed.Where(a => KpiReading.IsNonNegative(a.KpiId, a.Unit)).Select(a => a.Lower), Is.All.GreaterThanOrEqualTo(0));
        var anomaly = listed.First(a => a.KpiId == kpi && a.Segment == segment);
        Assert.That((anomaly.Lower, anomaly.Upper), Is.EqualTo((0.0, Convert.ToDouble(negative[0][6], CultureInfo.InvariantCulture))));

        var ranges = UsualRange().Matches(html).Where(m => m.Groups["kpi"].Value == kpi).Select(m => WebUtility.HtmlDecode(m.Groups["low"].Value)).ToList();
        Assert.That(ranges, Is.Not.Empty);
        Assert.That(ranges, Has.None.StartsWith("-").And.None.StartsWith("−"), "no negative lower end is shown");
    }

    [Test]
    public async Task RateChangesAreInPercentagePointsAndOtherChangesRelative()
    {
        var today = ReportReading.Today;
        var (data, html) = await ReportReading.ReadAsync(KpiPeriods.Resolve("last-30d", today));
        var tiles = data.Audiences.SelectMany(a => a.Tiles.Select(t => (Audience: a.Id, Tile: t))).Where(x => x.Tile.Value is not null && x.Tile.Previous is not null).ToList();
        var rates = tiles.Where(x => KpiReading.IsRate(x.Tile.Kpi.Id, x.Tile.Kpi.Unit)).ToList();
        Assert.That(rates.Select(x => x.Tile.Kpi.Id), Does.Contain("email_unsubscribe_rate").And.Contain("ctr"), "the demo has rates in both periods");
        Assert.That(tiles.Select(x => x.Tile.Kpi.Id), Does.Contain("revenue").And.Contain("sessions"));
        foreach (var (audience, tile) in tiles)
        {
            var shown = WebUtility.HtmlDecode(ChangeText().Match(TileMarkup(html, audience, tile.Kpi.Id)).Groups["change"].Value);
            if (KpiReading.IsRate(tile.Kpi.Id, tile.Kpi.Unit))
            {
                var points = (tile.Value!.Value - tile.Previous!.Value) * 100;
                Assert.That(tile.Change, Is.EqualTo(new KpiChange(tile.Value.Value - tile.Previous.Value, Points: true)), tile.Kpi.Id);
                Assert.That(shown, Does.Match(@"^[▲▼±] [\d,]+\.\d+ pp$"), tile.Kpi.Id);
                Assert.That(double.Parse(shown[2..^3], NumberStyles.Number, CultureInfo.InvariantCulture), Is.EqualTo(Math.Abs(points)).Within(0.051), tile.Kpi.Id);
            }
            else if (tile.Previous != 0)
            {
                Assert.That(shown, Does.Match(@"^[▲▼±] [\d,]+(\.\d)?%$"), tile.Kpi.Id);
            }
        }
    }

    [Test]
    public async Task CampaignRoasIsShownOnlyWhereRevenueIsAttributed()
    {
        var range = KpiPeriods.Resolve("last-30d", ReportReading.Today);
        var (data, html) = await ReportReading.ReadAsync(range);
        var table = data.Audiences.Single(a => a.Id == "marketing").Tables.Single(t => t.Title == "Campaigns");
        var roas = table.Columns.ToList().FindIndex(c => c.Kpi.Id == "roas_platform");
        var mart = (await Marts.QueryAsync(
                "SELECT segment, numerator, value FROM mart.kpi_over_range(CAST($from AS DATE), CAST($to AS DATE)) WHERE segment_type = 'campaign' AND kpi_id = 'roas_platform'",
                ("from", range.From), ("to", range.To)))
            .ToDictionary(r => (string)r[0]!, r => (Revenue: r[1] is null ? 0 : Convert.ToDouble(r[1], CultureInfo.InvariantCulture), Value: r[2] is null ? (double?)null : Convert.ToDouble(r[2], CultureInfo.InvariantCulture)), StringComparer.Ordinal);

        var rows = table.Rows.Where(r => mart.ContainsKey(r.Segment)).ToList();
        var without = rows.Where(r => mart[r.Segment].Revenue == 0).ToList();
        var with = rows.Where(r => mart[r.Segment].Revenue != 0).ToList();
        Assert.That(without, Is.Not.Empty, "the demo has campaigns with spend and no attributed revenue");
        Assert.That(with, Is.Not.Empty, "and campaigns with attributed revenue");
        Assert.Multiple(() =>
        {
            foreach (var r in without)
            {
                Assert.That((r.Cells[roas], r.Missing[roas]), Is.EqualTo(((double?)null, ReportLayout.NoAttributedRevenue)), r.Segment);
                var cell = CampaignCells(html, r.Segment)[roas];
                Assert.That(cell, Does.StartWith("<td class=\"num missing\" title=\"" + WebUtility.HtmlEncode(ReportLayout.NoAttributedRevenue) + "\">—"), r.Segment);
            }

            foreach (var r in with)
            {
                Assert.That(r.Cells[roas], Is.EqualTo(mart[r.Segment].Value), r.Segment);
                Assert.That(r.Missing[roas], Is.Null, r.Segment);
                Assert.That(WebUtility.HtmlDecode(CampaignCells(html, r.Segment)[roas]), Does.Match("<td class=\"num\">[0-9.,]+×</td>"), r.Segment);
            }
        });
        Assert.That(WebUtility.HtmlDecode(html), Does.Contain("— " + ReportLayout.NoAttributedRevenue + "</p>"), "the reason once below the table");
    }

    /// <summary>The markup of one tile of a tab.</summary>
    private static string TileMarkup(string html, string audience, string kpiId)
    {
        var panel = Regex.Match(html, $"<section class=\"panel\" id=\"panel-{audience}\".*?</section>", RegexOptions.Singleline).Value;
        var tile = Regex.Match(panel, $"<article class=\"tile [^\"]*\" data-kpi=\"{kpiId}\".*?</article>", RegexOptions.Singleline);
        Assert.That(tile.Success, Is.True, $"{audience} has a {kpiId} tile");
        return tile.Value;
    }

    /// <summary>The cells after the name of a campaign's row in the marketing tab's campaign table.</summary>
    private static List<string> CampaignCells(string html, string campaign)
    {
        var panel = Regex.Match(html, "<section class=\"panel\" id=\"panel-marketing\".*?</section>", RegexOptions.Singleline).Value;
        var row = Regex.Match(panel, $"<tr><td>{Regex.Escape(WebUtility.HtmlEncode(campaign))}</td>(?<cells>.*?)</tr>", RegexOptions.Singleline);
        Assert.That(row.Success, Is.True, campaign);
        return Regex.Matches(row.Groups["cells"].Value, "<td.*?</td>", RegexOptions.Singleline).Select(m => m.Value).ToList();
    }

    [GeneratedRegex("""<div class="tile-change [a-z]+"><b>(?<change>[^<]*)</b>""")]
    private static partial Regex ChangeText();

    [GeneratedRegex("""<tr class="[a-z]+" data-kpi="(?<kpi>[^"]+)">(?:<td[^>]*>[^<]*</td>){4}<td class="num">(?<low>[^<]*) – [^<]*</td>""")]
    private static partial Regex UsualRange();
}
