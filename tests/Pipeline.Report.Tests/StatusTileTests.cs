using System.Text.RegularExpressions;
using Pipeline.Cli.Kpi;
using Pipeline.Cli.Report;

// Its own namespace: these render in memory and need not wait for the demo warehouse of ReportFixture.
namespace Pipeline.Report.StatusTests;

/// <summary>
/// The report's tiles and month table for values the marts mark partial or provisional (issue 19): greyed, never red
/// or green, and saying why in words; complete values as before. The data is built here, so the words are known.
/// </summary>
public sealed partial class StatusTileTests
{
    private const string OpenDeals = "provisional: 42 of 49 deals created in November are still open";
    private const string MetaFrom = "Meta loaded from 6 Sep";

    private static KpiInfo Kpi(string id, string name, string unit, string better = "Higher") =>
        new(id, name, name + ".", id, "Conversion", unit, better, "Additive", ["executive"], KpiQuery.ValuesView, "Monthly");

    private static readonly KpiRange November = new(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), "last-month");

    private static string Render()
    {
        var revenue = Kpi("revenue", "Revenue", "Currency");
        var roi = Kpi("roi", "ROI", "Ratio");
        var roiPaid = Kpi("roi_paid", "ROI (paid)", "Ratio");
        var sessions = Kpi("sessions", "Sessions", "Count");
        KpiTile[] tiles =
        [
            // −75 % against October: red if it were final; it is provisional, so grey with the reason.
            new() { Kpi = revenue, Value = 25_000, Previous = 100_000, Currency = "EUR", Source = "mart.kpi_over_range", Status = KpiStatus.Provisional, StatusReason = OpenDeals },
            new() { Kpi = roi, Value = 24.3, Previous = 3, Source = "mart.kpi_over_range", Status = KpiStatus.Partial, StatusReason = MetaFrom },
            new() { Kpi = roiPaid, Value = 1.8, Previous = 2.0, Source = "mart.kpi_over_range" },
            new() { Kpi = sessions, Value = 900, Previous = 1000, Source = "mart.kpi_over_range" },
        ];
        var columns = new[] { new Cli.Report.TableColumn("ROI (blended)", roi, KpiPart.Value, "Ratio"), new Cli.Report.TableColumn("ROI (paid)", roiPaid, KpiPart.Value, "Ratio") };
        var months = new MonthTable(columns,
        [
            new(new DateOnly(2026, 10, 1), [1.5, 1.8], KpiStatus.Complete, []),
            new(new DateOnly(2026, 11, 1), [0.2, null], KpiStatus.Provisional, [OpenDeals]) { Missing = [null, KpiStatus.CostUnknown] },
        ]);
        var audience = new AudienceReport
        {
            Id = "executive",
            Title = "Executive",
            Summary = "Revenue and returns.",
            Tiles = tiles,
            MonthlyTiles = [],
            Trends = [],
            Breakdowns = [],
            Funnel = [],
            Tables = [],
            Anomalies = [],
            Notes = [],
            Months = months,
        };
        return HtmlReport.Render(new ReportData
        {
            Request = new ReportRequest(November, ReportPeriods.Previous(November), new DateTimeOffset(2026, 12, 5, 8, 0, 0, TimeSpan.Zero)),
            Currency = "EUR",
            Audiences = [audience],
            Freshness = [],
        });
    }

    private static string TileOf(string html, string kpi) =>
        Regex.Match(html, $"""<article class="[^"]*" data-kpi="{kpi}".*?</article>""", RegexOptions.Singleline).Value;

    [Test]
    public void A_provisional_tile_is_greyed_and_says_why_in_words()
    {
        var tile = TileOf(Render(), "revenue");

        Assert.That(tile, Does.StartWith("<article class=\"tile tone-neutral status-provisional\""), "grey, not the red of a −75 % drop");
        Assert.That(tile, Does.Contain("data-status=\"provisional\""));
        Assert.That(TileStatus(tile), Is.EqualTo("~ " + OpenDeals));
    }

    [Test]
    public void A_partial_tile_names_its_status_before_the_reason()
    {
        var tile = TileOf(Render(), "roi");

        Assert.That(tile, Does.StartWith("<article class=\"tile tone-neutral status-partial\""));
        Assert.That(TileStatus(tile), Is.EqualTo("◐ partial: " + MetaFrom));
    }

    [Test]
    public void Complete_tiles_keep_their_colour_and_say_nothing_more()
    {
        var html = Render();

        Assert.That(TileOf(html, "sessions"), Does.StartWith("<article class=\"tile tone-bad\"").And.Not.Contain("tile-status"));
        Assert.That(TileOf(html, "roi_paid"), Does.Not.Contain("tile-status"), "blended and paid ROI are both tiles; the paid one is final here");
    }

    [Test]
    public void The_month_table_marks_a_provisional_month_and_shows_blended_and_paid_ROI()
    {
        var html = Render();
        var table = Regex.Match(html, """<div class="card table months">.*?</div>""", RegexOptions.Singleline).Value;

        Assert.That(table, Does.Contain("<th class=\"num\">ROI (blended)</th><th class=\"num\">ROI (paid)</th>"));
        var november = Regex.Match(table, """<tr class="status-provisional" data-month="2026-11-01" data-status="provisional"><td>Nov 2026 ~</td>.*?</tr>""").Value;
        Assert.That(november, Does.Contain(">cost unknown<").And.Contain(OpenDeals));
        Assert.That(table, Does.Contain("<tr class=\"status-complete\" data-month=\"2026-10-01\" data-status=\"complete\"><td>Oct 2026</td>"));
    }

    private static string TileStatus(string tile) =>
        System.Net.WebUtility.HtmlDecode(Regex.Match(tile, """<div class="tile-status">(?<text>[^<]*)</div>""").Groups["text"].Value);
}
