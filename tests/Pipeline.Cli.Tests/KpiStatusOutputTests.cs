using System.Text.Json;
using Pipeline.Cli.Kpi;
using Spectre.Console.Testing;

namespace Pipeline.Cli.Tests;

/// <summary>
/// How <c>pipeline kpi</c> shows the status the marts give every value (issue 19): a marker per value and a legend in
/// the table, the status columns in CSV and JSON, and "cost unknown" for a channel without a cost source. The rows
/// are built here as <c>mart.kpi_values</c> returns them, so each expectation is plain to see.
/// </summary>
public sealed class KpiStatusOutputTests
{
    private static readonly KpiCatalogEntry[] Catalog =
    [
        new("revenue", "Revenue", "Currency", ["executive"], KpiQuery.ValuesView),
        new("roi", "ROI", "Ratio", ["executive"], KpiQuery.ValuesView),
        new("cpl", "CPL", "Currency", ["marketing"], KpiQuery.ValuesView),
    ];

    private const string MetaMissing = "meta insights_daily not loaded 2026-09-01..2026-09-05";
    private const string OpenDeals = "provisional: 42 deals created in the period still open";
    private const string NoCost = "cost unknown: no cost source for Paid Search";

    private static KpiRow Row(string month, string segment, string kpi, double? value, string status = KpiStatus.Complete, string? reason = null, double coverage = 1) =>
        new(DateOnly.Parse(month + "-01", System.Globalization.CultureInfo.InvariantCulture),
            DateOnly.Parse(month + "-01", System.Globalization.CultureInfo.InvariantCulture).AddMonths(1).AddDays(-1),
            "month", segment == "All" ? "all" : "channel", segment, kpi, null, null, value,
            Catalog.Single(k => k.Id == kpi).Unit, kpi == "roi" ? null : "EUR")
        {
            Status = status,
            StatusReason = reason,
            Coverage = coverage,
        };

    private static readonly KpiRow[] Months =
    [
        Row("2026-09", "All", "revenue", 1000, KpiStatus.Partial, MetaMissing, 25.0 / 30),
        Row("2026-09", "All", "roi", 2.5, KpiStatus.Partial, MetaMissing, 25.0 / 30),
        Row("2026-10", "All", "revenue", 2000),
        Row("2026-10", "All", "roi", 1.5),
        Row("2026-11", "All", "revenue", 500, KpiStatus.Provisional, OpenDeals),
        Row("2026-11", "All", "roi", 0.2, KpiStatus.Provisional, OpenDeals),
    ];

    private static string Table(IReadOnlyList<KpiRow> rows, bool showSegment = false)
    {
        var console = new TestConsole().Width(160);
        KpiOutput.WriteTable(console, "KPIs", Catalog, rows, showSegment);
        return console.Output;
    }

    /// <summary>The cells of the one table row holding <paramref name="text"/>.</summary>
    private static string[] Cells(string output, string text) =>
        output.Split('\n').Single(l => l.Contains('│', StringComparison.Ordinal) && l.Contains(text, StringComparison.Ordinal))
            .Split('│', StringSplitOptions.TrimEntries)[1..^1];

    [Test]
    public void The_table_marks_partial_and_provisional_values_and_leaves_complete_ones_plain()
    {
        var output = Table(Months);

        Assert.Multiple(() =>
        {
            Assert.That(Cells(output, "2026-09"), Is.EqualTo(new[] { "2026-09", "1,000.00 EUR ◐", "250.0% ◐" }));
            Assert.That(Cells(output, "2026-10"), Is.EqualTo(new[] { "2026-10", "2,000.00 EUR", "150.0%" }));
            Assert.That(Cells(output, "2026-11"), Is.EqualTo(new[] { "2026-11", "500.00 EUR ~", "20.0% ~" }));
        });
    }

    [Test]
    public void The_legend_explains_the_markers_and_lists_each_reason_once()
    {
        var output = Table(Months);
        var below = output[(output.LastIndexOf('┘') + 1)..].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.That(below[0], Does.Contain("◐ partial").And.Contain("~ provisional"));
        Assert.That(below.Skip(1), Is.EqualTo(new[] { $"◐ {MetaMissing}", $"~ {OpenDeals}" }), "two rows give each reason; it is listed once");
    }

    [Test]
    public void A_complete_result_has_no_legend()
    {
        var output = Table(Months.Where(r => r.Status == KpiStatus.Complete).ToList());

        Assert.That(output, Does.Not.Contain("◐").And.Not.Contain("~").And.Not.Contain("partial"));
    }

    [Test]
    public void A_paid_channel_without_cost_source_says_cost_unknown_instead_of_an_empty_cell()
    {
        KpiRow[] rows =
        [
            Row("2026-10", "Paid Search", "revenue", 76750),
            Row("2026-10", "Paid Search", "roi", null, KpiStatus.Complete, NoCost),
            Row("2026-10", "Paid Search", "cpl", null, KpiStatus.Complete, NoCost),
            Row("2026-10", "Paid Social", "roi", 1.8),
        ];

        var output = Table(rows, showSegment: true);

        Assert.That(Cells(output, "Paid Search"), Is.EqualTo(new[] { "2026-10", "Paid Search", "76,750.00 EUR", "cost unknown", "cost unknown" }));
        Assert.That(output, Does.Contain(NoCost), "the legend gives the reason in full");
    }

    [Test]
    public void Csv_carries_coverage_status_and_reason()
    {
        using var output = new StringWriter();
        KpiOutput.WriteCsv(output, [Months[0], Months[2]]);

        var lines = output.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.EndWith(",unit,currency,coverage,status,status_reason"));
        var partial = KpiCommandTests.ParseCsvLine(lines[1]);
        Assert.That(partial[^3..], Is.EqualTo(new[] { (25.0 / 30).ToString("R", System.Globalization.CultureInfo.InvariantCulture), "partial", MetaMissing }));
        Assert.That(KpiCommandTests.ParseCsvLine(lines[2])[^3..], Is.EqualTo(new[] { "1", "complete", "" }));
    }

    [Test]
    public void Json_carries_coverage_status_and_reason()
    {
        using var output = new StringWriter();
        KpiOutput.WriteJson(output, [Months[4], Months[2]]);

        using var json = JsonDocument.Parse(output.ToString());
        var provisional = json.RootElement[0];
        var complete = json.RootElement[1];
        Assert.Multiple(() =>
        {
            Assert.That(provisional.GetProperty("coverage").GetDouble(), Is.EqualTo(1));
            Assert.That(provisional.GetProperty("status").GetString(), Is.EqualTo("provisional"));
            Assert.That(provisional.GetProperty("status_reason").GetString(), Is.EqualTo(OpenDeals));
            Assert.That(complete.GetProperty("status").GetString(), Is.EqualTo("complete"));
            Assert.That(complete.GetProperty("status_reason").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
    }
}

/// <summary>How several reasons read as one phrase on a report tile or a demo line.</summary>
public sealed class KpiStatusWordsTests
{
    [Test]
    public void The_status_is_named_once_and_scope_statements_follow()
    {
        var words = KpiStatus.Summarize(KpiStatus.Provisional,
            ["provisional: 30 deals created in the period still open; provisional: meta insights_daily may still restate days of the period", "cost unknown: no cost source for Paid Search"]);

        Assert.That(words, Is.EqualTo("provisional: 30 deals created in the period still open; meta insights_daily may still restate days of the period; cost unknown: no cost source for Paid Search"));
    }

    [Test]
    public void A_partial_reason_gets_its_status_in_front() =>
        Assert.That(KpiStatus.Summarize(KpiStatus.Partial, ["period in progress: 5 of 31 days; meta insights_daily not loaded 2026-12-05"]),
            Is.EqualTo("partial: period in progress: 5 of 31 days; meta insights_daily not loaded 2026-12-05"));
}
