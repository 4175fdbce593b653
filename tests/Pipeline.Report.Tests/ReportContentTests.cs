using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.Warehouse.Kpi;

namespace Pipeline.Report.Tests;

/// <summary>The report's file: self-contained, three tabs, and every tile the number the marts hold.</summary>
public sealed partial class ReportContentTests
{
    private static readonly string[] Tabs = ["executive", "marketing", "specialist"];

    [Test]
    public void DemoWritesTheReportBesideItsWarehouseAndPrintsThePath()
    {
        Assert.That(File.Exists(ReportFixture.DemoReportPath), Is.True, ReportFixture.Demo.Out);
        Assert.That(ReportFixture.Demo.Out, Does.Contain(ReportFixture.DemoReportPath));
        Assert.That(ReportHtml.Load(ReportFixture.DemoReportPath).Period, Is.EqualTo("last-30d"));
    }

    [Test]
    public void ReportCommandPrintsOnlyThePathOfTheFileItWrote()
    {
        Assert.That(ReportFixture.LastMonth.Out.Trim(), Is.EqualTo(ReportFixture.LastMonthReportPath));
        Assert.That(Directory.GetFiles(ReportFixture.Folder, "*.tmp"), Is.Empty, "no temporary file is left behind");
    }

    [TestCaseSource(nameof(Reports))]
    public void NothingIsFetchedFromTheNetwork(string path)
    {
        var html = File.ReadAllText(path);
        Assert.Multiple(() =>
        {
            // Any URL a browser would load: src/href/srcset/action/poster/data attributes, CSS url() and @import, <link>, <iframe>, <object>.
            Assert.That(ExternalReference().Matches(html).Select(m => m.Value), Is.Empty);
            Assert.That(CssUrl().Matches(html).Select(m => m.Value), Is.Empty);
            Assert.That(html, Does.Not.Contain("@import"));
            Assert.That(html, Does.Not.Match("<(link|iframe|object|embed|img)\\b"));
            Assert.That(html, Does.Not.Match("<script[^>]+src="));
            Assert.That(html, Does.Not.Contain("fetch(").And.Not.Contain("XMLHttpRequest"));
        });
    }

    [TestCaseSource(nameof(Reports))]
    public void HasTheThreeTabsEachWithTilesChartsAFunnelAndAnomalies(string path)
    {
        var report = ReportHtml.Load(path);
        Assert.That(report.Panels.Keys, Is.EqualTo(Tabs));
        foreach (var tab in Tabs)
        {
            var panel = report.Panels[tab];
            Assert.Multiple(() =>
            {
                Assert.That(report.Html, Does.Contain($"<label class=\"tab\" role=\"tab\" for=\"tab-{tab}\" data-tab=\"{tab}\""), tab);
                Assert.That(report.Tiles(tab), Has.Count.GreaterThanOrEqualTo(4), tab);
                Assert.That(panel, Does.Contain("class=\"card trend\""), tab);
                Assert.That(panel, Does.Contain("class=\"card breakdown\""), tab);
                Assert.That(panel, Does.Contain("class=\"card funnel\""), tab);
                Assert.That(panel, Does.Contain("class=\"card anomalies\""), tab);
            });
        }

        Assert.That(report.Html, Does.Contain("class=\"card freshness\""));
    }

    [Test]
    public async Task EveryPeriodTileIsTheMartsValueForThePeriodAndThePreviousOne()
    {
        var report = ReportHtml.Load(ReportFixture.DemoReportPath);
        var current = await Marts.OverRangeAsync(report.From, report.To);
        var previous = await Marts.OverRangeAsync(report.PreviousFrom, report.PreviousTo);
        var checkedTiles = 0;
        foreach (var tab in Tabs)
        {
            foreach (var tile in report.Tiles(tab).Where(t => t.Source == "mart.kpi_over_range"))
            {
                Assert.That(current, Does.ContainKey(tile.KpiId), $"{tab}: {tile.KpiId}");
                AssertSame(tile.Value, current[tile.KpiId], $"{tab}: {tile.KpiId}");
                AssertSame(tile.Previous, previous.GetValueOrDefault(tile.KpiId), $"{tab}: previous {tile.KpiId}");
                checkedTiles++;
            }
        }

        Assert.That(checkedTiles, Is.GreaterThan(30));
    }

    [Test]
    public async Task EachTabShowsItsAudiencesKpisThatThePeriodHasValuesFor()
    {
        var report = ReportHtml.Load(ReportFixture.DemoReportPath);
        var current = await Marts.OverRangeAsync(report.From, report.To);
        foreach (var (tab, audience) in new[] { ("executive", Audience.Executive), ("marketing", Audience.Marketing), ("specialist", Audience.Specialist) })
        {
            var expected = KpiCatalog.All.Where(k => k.Audiences.HasFlag(audience) && current.ContainsKey(k.Id)).Select(k => k.Id).Order(StringComparer.Ordinal);
            var shown = report.Tiles(tab).Where(t => t.Source == "mart.kpi_over_range").Select(t => t.KpiId).Order(StringComparer.Ordinal);
            Assert.That(shown, Is.EqualTo(expected), tab);
        }
    }

    [Test]
    public async Task LastMonthsRevenueTileIsTheMonthsRevenueInKpiValues()
    {
        var report = ReportHtml.Load(ReportFixture.LastMonthReportPath);
        var firstOfThisMonth = new DateOnly(report.To.Year, report.To.Month, 1).AddMonths(1);
        Assert.That((report.From, report.To), Is.EqualTo((firstOfThisMonth.AddMonths(-1), firstOfThisMonth.AddDays(-1))), "last-month is the previous calendar month");
        var rows = await Marts.QueryAsync(
            "SELECT value FROM mart.kpi_values WHERE grain = 'month' AND segment_type = 'all' AND kpi_id = 'revenue' AND period_start = CAST($month AS DATE)",
            ("month", report.From));
        Assert.That(rows, Has.Count.EqualTo(1), "the demo world has revenue last month");
        var revenue = Convert.ToDouble(rows[0][0], CultureInfo.InvariantCulture);

        var tile = report.Tiles("executive").Single(t => t.KpiId == "revenue");
        AssertSame(tile.Value, revenue, "revenue tile");
        // What the reader sees: the same amount, whole euros from 10,000 up, with the currency.
        var shown = revenue >= 10_000 ? revenue.ToString("N0", CultureInfo.InvariantCulture) : revenue.ToString("N2", CultureInfo.InvariantCulture);
        Assert.That(tile.Text, Is.EqualTo(shown + " EUR"));
    }

    [Test]
    public async Task TargetsOnTilesAreTheMartsTargetProgress()
    {
        // Month to date: the demo's targets are for this month (and quarter); a tile shows progress towards a target
        // of its own period only.
        var path = Path.Combine(ReportFixture.Folder, "mtd.html");
        var run = await ReportFixture.RunAsync("report", "--period", "mtd", "--out", path, "--config", ReportFixture.ConfigPath);
        Assert.That(run.ExitCode, Is.EqualTo(Cli.ExitCodes.Ok), run.Error);
        var report = ReportHtml.Load(path);
        var rows = await Marts.QueryAsync(
            """
            SELECT kpi_id, status FROM mart.kpi_target_progress
            WHERE segment_type = 'all' AND period_start = CAST($from AS DATE) AND period_end >= CAST($to AS DATE)
              AND status NOT IN ('unsupported kpi', 'unknown segment')
            ORDER BY kpi_id, period_end - period_start DESC
            """,
            ("from", report.From), ("to", report.To));
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            expected[(string)row[0]!] = (string)row[1]!;
        }

        Assert.That(expected, Is.Not.Empty, "the demo files set targets for the running month");
        var executive = report.Panels["executive"];
        foreach (var (kpi, status) in expected.Where(e => report.Tiles("executive").Any(t => t.KpiId == e.Key)))
        {
            Assert.That(executive, Does.Match($"data-kpi=\"{kpi}\"[^>]*>(?:(?!</article>).)*<div class=\"target\" data-status=\"{status}\""), kpi);
        }
    }

    [Test]
    public async Task FreshnessHasARowPerSyncedSource()
    {
        var html = File.ReadAllText(ReportFixture.DemoReportPath);
        var sources = (await Marts.QueryAsync("SELECT DISTINCT source FROM etl.v_stream_status ORDER BY source")).Select(r => (string)r[0]!).ToList();
        Assert.That(sources, Is.SupersetOf(new[] { "ga4", "hubspot", "mailchimp", "meta" }));
        foreach (var source in sources)
        {
            Assert.That(html, Does.Contain($"<tr data-source=\"{source}\">"), source);
        }
    }

    [Test]
    public async Task AnomaliesListedAreTheMartsAnomaliesOfThePeriod()
    {
        var report = ReportHtml.Load(ReportFixture.DemoReportPath);
        var rows = await Marts.QueryAsync(
            "SELECT DISTINCT kpi_id FROM mart.kpi_anomalies WHERE date BETWEEN CAST($from AS DATE) AND CAST($to AS DATE)",
            ("from", report.From), ("to", report.To));
        var inMart = rows.Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
        var listed = AnomalyRow().Matches(report.Html).Select(m => m.Groups["kpi"].Value).Distinct().ToList();
        Assert.That(inMart, Is.Not.Empty, "the sandbox world has anomalies in the last 30 days");
        Assert.That(listed, Is.Not.Empty);
        Assert.That(listed, Is.SubsetOf(inMart));
    }

    private static IEnumerable<string> Reports() => [ReportFixture.DemoReportPath, ReportFixture.LastMonthReportPath];

    private static void AssertSame(double? shown, double? mart, string what)
    {
        if (mart is null)
        {
            Assert.That(shown, Is.Null, what);
            return;
        }

        Assert.That(shown, Is.Not.Null, what);
        Assert.That(shown!.Value, Is.EqualTo(mart.Value).Within(Math.Abs(mart.Value) * 1e-12 + 1e-12), what);
    }

    [GeneratedRegex("""\b(?:src|href|srcset|action|poster|data|xlink:href|formaction)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    [GeneratedRegex("""url\(\s*["']?\s*(?:https?:)?//""", RegexOptions.IgnoreCase)]
    private static partial Regex CssUrl();

    [GeneratedRegex("""<tr class="[a-z]+" data-kpi="(?<kpi>[^"]+)">""")]
    private static partial Regex AnomalyRow();
}
