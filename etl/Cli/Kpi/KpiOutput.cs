using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Cli.Output;
using Spectre.Console;

namespace Pipeline.Cli.Kpi;

/// <summary>How <c>pipeline kpi --layout</c> shapes the table: wide when it fits (auto), always wide, or long.</summary>
internal enum KpiLayout
{
    Auto,
    Wide,
    Long,
}

/// <summary>The three shapes of <c>pipeline kpi</c>: a table for people (wide or long), long CSV and JSON for tools.</summary>
internal static class KpiOutput
{
    public static readonly string[] CsvColumns =
        ["period_start", "period_end", "grain", "segment_type", "segment", "kpi_id", "numerator", "denominator", "value", "unit", "currency", "coverage", "status", "status_reason"];

    private const string Null = "–";

    // The catalog's Ratio unit covers shares (CTR, 2.5 %) and multiples (2.4 pages per session, ROAS 3.1);
    // a multiple shown in percent ("240.0 %") would read wrong, so these print as plain numbers.
    private static readonly HashSet<string> Multiples = new(StringComparer.Ordinal) { "pages_per_session", "roas", "roas_paid", "roas_platform", "frequency", "ltv_to_cac" };

    /// <summary>
    /// The table for people. Wide: one row per period × segment, one column per KPI that has a value anywhere in the
    /// result. Long: one row per KPI × period × segment. <see cref="KpiLayout.Auto"/> is wide when it fits the
    /// console, else long; numbers and periods never wrap in either.
    /// </summary>
    public static void WriteTable(IAnsiConsole console, string title, IReadOnlyList<KpiCatalogEntry> kpis, IReadOnlyList<KpiRow> rows, bool showSegment, KpiLayout layout = KpiLayout.Auto)
    {
        var shown = kpis.Where(k => rows.Any(r => r.KpiId == k.Id)).ToList();
        // The title goes above as a line of its own: a table title longer than a narrow table would wrap.
        console.MarkupLine($"[bold]{Markup.Escape(title)}[/]");
        var wide = WideTable(shown, rows, showSegment);
        switch (layout)
        {
            case KpiLayout.Wide:
                TableFit.WriteUnsqueezed(console, wide);
                break;
            case KpiLayout.Auto when TableFit.Fits(console, wide):
                console.Write(wide);
                break;
            default:
                console.Write(LongTable(shown, rows, showSegment));
                break;
        }

        if (rows.Any(r => r.Partial))
        {
            console.WriteLine("* the period reaches outside the range; its values cover the whole period");
        }

        WriteLegend(console, rows);
    }

    /// <summary>
    /// Under the table: what the markers mean (only those used), then each reason the marts gave once, with its
    /// marker, so a partial or provisional value is never read as a final one.
    /// </summary>
    private static void WriteLegend(IAnsiConsole console, IReadOnlyList<KpiRow> rows)
    {
        var flagged = rows.Where(r => KpiStatus.IsIncomplete(r.Status) || KpiStatus.HasReasonToShow(r.Status, r.Value, r.StatusReason)).ToList();
        if (flagged.Count == 0)
        {
            return;
        }

        var markers = new List<string>();
        if (flagged.Any(r => r.Status == KpiStatus.Partial))
        {
            markers.Add($"{KpiStatus.PartialMarker} partial: not every day of the period is loaded from every source the KPI needs");
        }

        if (flagged.Any(r => r.Status == KpiStatus.Provisional))
        {
            markers.Add($"{KpiStatus.ProvisionalMarker} provisional: a source may still restate it");
        }

        if (markers.Count > 0)
        {
            console.WriteLine(string.Join(" · ", markers));
        }

        // Each statement once, with the marker of the status it explains; scope statements (no cost source) last.
        var parts = flagged.Where(r => KpiStatus.HasReasonToShow(r.Status, r.Value, r.StatusReason))
            .SelectMany(r => KpiStatus.Parts(r.StatusReason).Select(part => (Marker: KpiStatus.IsScope(part) ? "" : KpiStatus.Marker(r.Status), Part: part)))
            .Distinct()
            .OrderBy(p => p.Marker.Length == 0).ThenBy(p => p.Part, StringComparer.Ordinal);
        foreach (var (marker, part) in parts)
        {
            console.WriteLine($"  {(marker.Length > 0 ? marker + " " : "")}{part}");
        }
    }

    private static Table WideTable(IReadOnlyList<KpiCatalogEntry> shown, IReadOnlyList<KpiRow> rows, bool showSegment)
    {
        var table = new Table().AddColumn(new TableColumn("Period").NoWrap());
        if (showSegment)
        {
            table.AddColumn("Segment");
        }

        foreach (var kpi in shown)
        {
            table.AddColumn(new TableColumn(Markup.Escape(kpi.Name)).RightAligned().NoWrap());
        }

        foreach (var group in rows.GroupBy(r => (r.PeriodStart, r.PeriodEnd, r.Segment)))
        {
            var first = group.First();
            var cells = new List<string> { Markup.Escape(PeriodCell(first)) };
            if (showSegment)
            {
                cells.Add(Markup.Escape(first.Segment));
            }

            // No row for a KPI here means nothing was measured in this segment (blank); a NULL value means the
            // denominator was zero (–).
            cells.AddRange(shown.Select(k => group.FirstOrDefault(r => r.KpiId == k.Id) is { } r ? Markup.Escape(ValueCell(r)) : ""));
            table.AddRow(cells.ToArray());
        }

        return table;
    }

    /// <summary>One row per value, grouped by KPI in catalog order: fits a narrow terminal whatever the KPI count.</summary>
    private static Table LongTable(IReadOnlyList<KpiCatalogEntry> shown, IReadOnlyList<KpiRow> rows, bool showSegment)
    {
        var table = new Table().AddColumn("KPI").AddColumn(new TableColumn("Period").NoWrap());
        if (showSegment)
        {
            table.AddColumn("Segment");
        }

        table.AddColumn(new TableColumn("Value").RightAligned().NoWrap());
        foreach (var kpi in shown)
        {
            foreach (var row in rows.Where(r => r.KpiId == kpi.Id))
            {
                var cells = new List<string> { Markup.Escape(kpi.Name), Markup.Escape(PeriodCell(row)) };
                if (showSegment)
                {
                    cells.Add(Markup.Escape(row.Segment));
                }

                cells.Add(Markup.Escape(ValueCell(row)));
                table.AddRow(cells.ToArray());
            }
        }

        return table;
    }

    private static string PeriodCell(KpiRow row) => PeriodLabel(row) + (row.Partial ? " *" : "");

    /// <summary>
    /// The value with its status marker ("1,234.00 EUR ◐"); a value the marts leave NULL for want of a cost source
    /// says "cost unknown" rather than a dash that reads as "no data".
    /// </summary>
    internal static string ValueCell(KpiRow row)
    {
        var text = KpiStatus.IsCostUnknown(row.Value, row.StatusReason) ? KpiStatus.CostUnknown : FormatValue(row);
        var marker = KpiStatus.Marker(row.Status);
        return marker.Length == 0 ? text : $"{text} {marker}";
    }

    public static void WriteCsv(TextWriter output, IReadOnlyList<KpiRow> rows)
    {
        // RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled.
        output.Write(string.Join(',', CsvColumns) + "\r\n");
        foreach (var r in rows)
        {
            output.Write(string.Join(',', Fields(r).Select(f => Csv(f ?? ""))) + "\r\n");
        }
    }

    public static void WriteJson(TextWriter output, IReadOnlyList<KpiRow> rows)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var r in rows)
            {
                json.WriteStartObject();
                json.WriteString("period_start", Date(r.PeriodStart));
                json.WriteString("period_end", Date(r.PeriodEnd));
                json.WriteString("grain", r.Grain);
                json.WriteString("segment_type", r.SegmentType);
                json.WriteString("segment", r.Segment);
                json.WriteString("kpi_id", r.KpiId);
                WriteNumber(json, "numerator", r.Numerator);
                WriteNumber(json, "denominator", r.Denominator);
                if (r.Value is { } value)
                {
                    json.WriteNumber("value", value);
                }
                else
                {
                    json.WriteNull("value");
                }

                json.WriteString("unit", r.Unit);
                if (r.Currency is null)
                {
                    json.WriteNull("currency");
                }
                else
                {
                    json.WriteString("currency", r.Currency);
                }

                if (r.Coverage is { } coverage)
                {
                    json.WriteNumber("coverage", coverage);
                }
                else
                {
                    json.WriteNull("coverage");
                }

                json.WriteString("status", r.Status);
                if (r.StatusReason is null)
                {
                    json.WriteNull("status_reason");
                }
                else
                {
                    json.WriteString("status_reason", r.StatusReason);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>A value as people read it: percent, money with its code, durations, counts with separators.</summary>
    public static string FormatValue(KpiRow row) => FormatValue(row.KpiId, row.Unit, row.Value, row.Currency);

    /// <summary>The same, for a value read from any mart view (the HTML report shares it).</summary>
    public static string FormatValue(string kpiId, string unit, double? value, string? currency)
    {
        if (value is not { } v)
        {
            return Null;
        }

        var inv = CultureInfo.InvariantCulture;
        return unit switch
        {
            "Ratio" when IsMultiple(kpiId) => v.ToString("N2", inv),
            "Ratio" => (v * 100).ToString("N1", inv) + "%",
            "Currency" => v.ToString("N2", inv) + (currency is null ? "" : " " + currency),
            "Seconds" => Duration(v),
            "Days" => v.ToString("N1", inv) + " d",
            "Score" => v.ToString("N1", inv),
            _ => Math.Abs(v - Math.Round(v)) < 1e-9 ? v.ToString("N0", inv) : v.ToString("N2", inv),
        };
    }

    /// <summary>A Ratio KPI that reads as a multiple (ROAS 3.1), not a share.</summary>
    public static bool IsMultiple(string kpiId) => Multiples.Contains(kpiId);

    public static string PeriodLabel(KpiRow row) => row.Grain switch
    {
        "day" => Date(row.PeriodStart),
        "month" => row.PeriodStart.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        "quarter" => string.Create(CultureInfo.InvariantCulture, $"{row.PeriodStart.Year}-Q{((row.PeriodStart.Month - 1) / 3) + 1}"),
        _ => $"{Date(row.PeriodStart)}..{Date(row.PeriodEnd)}",
    };

    /// <summary>Under a minute "54 s", else m:ss, an hour or more h:mm:ss.</summary>
    internal static string Duration(double seconds)
    {
        var total = (long)Math.Round(seconds, MidpointRounding.AwayFromZero);
        var sign = total < 0 ? "-" : "";
        total = Math.Abs(total);
        return total switch
        {
            < 60 => $"{sign}{total.ToString(CultureInfo.InvariantCulture)} s",
            < 3600 => string.Create(CultureInfo.InvariantCulture, $"{sign}{total / 60}:{total % 60:00}"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{sign}{total / 3600}:{total % 3600 / 60:00}:{total % 60:00}"),
        };
    }

    private static string?[] Fields(KpiRow r) =>
    [
        Date(r.PeriodStart), Date(r.PeriodEnd), r.Grain, r.SegmentType, r.Segment, r.KpiId,
        Decimal(r.Numerator), Decimal(r.Denominator), r.Value?.ToString("R", CultureInfo.InvariantCulture), r.Unit, r.Currency,
        r.Coverage?.ToString("R", CultureInfo.InvariantCulture), r.Status, r.StatusReason,
    ];

    private static void WriteNumber(Utf8JsonWriter json, string name, decimal? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, Normalize(v));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    // DECIMAL(38,9) arrives with nine decimals; "330.000000000" says no more than "330".
    private static string? Decimal(decimal? value) => value is { } v ? Normalize(v).ToString(CultureInfo.InvariantCulture) : null;

    private static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Csv(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
