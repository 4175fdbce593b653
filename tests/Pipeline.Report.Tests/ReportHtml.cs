using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Pipeline.Report.Tests;

/// <summary>What a test reads from a report file: its ranges, its tabs and their tiles (the report's markup is its own, so regular expressions suffice).</summary>
public sealed partial class ReportHtml
{
    private ReportHtml(string html)
    {
        Html = html;
        var main = MainTag().Match(html);
        Assert.That(main.Success, Is.True, "the report has a <main> with its ranges");
        Period = main.Groups["period"].Value;
        From = DateOnly.ParseExact(main.Groups["from"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        To = DateOnly.ParseExact(main.Groups["to"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        PreviousFrom = DateOnly.ParseExact(main.Groups["pfrom"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        PreviousTo = DateOnly.ParseExact(main.Groups["pto"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        Panels = PanelBlock().Matches(html).ToDictionary(m => m.Groups["id"].Value, m => m.Groups["body"].Value, StringComparer.Ordinal);
    }

    public string Html { get; }

    public string Period { get; }

    public DateOnly From { get; }

    public DateOnly To { get; }

    public DateOnly PreviousFrom { get; }

    public DateOnly PreviousTo { get; }

    /// <summary>Tab id (executive, marketing, specialist) → the panel's markup.</summary>
    public IReadOnlyDictionary<string, string> Panels { get; }

    public static ReportHtml Load(string path) => new(File.ReadAllText(path));

    public IReadOnlyList<Tile> Tiles(string panel) =>
        TileBlock().Matches(Panels[panel]).Select(m => new Tile(
            m.Groups["kpi"].Value,
            Number(m.Groups["value"].Value),
            Number(m.Groups["previous"].Value),
            WebUtility.HtmlDecode(m.Groups["source"].Value),
            WebUtility.HtmlDecode(m.Groups["text"].Value))).ToList();

    private static double? Number(string text) => text.Length == 0 ? null : double.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex("""<main data-period="(?<period>[^"]*)" data-from="(?<from>[^"]+)" data-to="(?<to>[^"]+)" data-previous-from="(?<pfrom>[^"]+)" data-previous-to="(?<pto>[^"]+)">""")]
    private static partial Regex MainTag();

    [GeneratedRegex("""<section class="panel" id="panel-(?<id>[a-z]+)"[^>]*>(?<body>.*?)</section>""", RegexOptions.Singleline)]
    private static partial Regex PanelBlock();

    [GeneratedRegex("""<article class="tile [^"]*" data-kpi="(?<kpi>[^"]+)" data-value="(?<value>[^"]*)" data-previous="(?<previous>[^"]*)" data-source="(?<source>[^"]*)"[^>]*>.*?<div class="tile-value">(?<text>[^<]*)</div>""", RegexOptions.Singleline)]
    private static partial Regex TileBlock();
}

public sealed record Tile(string KpiId, double? Value, double? Previous, string Source, string Text);
