using System.Globalization;
using Pipeline.Cli.Kpi;

namespace Pipeline.Cli.Report;

/// <summary>
/// Numbers as the report shows them. Values follow <c>pipeline kpi</c> (<see cref="KpiOutput.FormatValue(string, string, double?, string?)"/>),
/// with whole money amounts from 10,000 up and multiples such as ROAS as "1.9×"; axes use short forms (12k, 1.2M).
/// </summary>
internal static class ReportFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    // Multiples that read as "times" (ROAS 1.9×, LTV:CAC 8.8×); pages per session stays a plain number.
    private static readonly HashSet<string> Times = new(StringComparer.Ordinal) { "roas", "roas_paid", "roas_platform", "ltv_to_cac", "frequency" };

    public static string Value(string kpiId, string unit, double? value, string? currency)
    {
        if (value is not { } v)
        {
            return "–";
        }

        return unit switch
        {
            "Ratio" when Times.Contains(kpiId) => v.ToString("N2", Inv) + "×",
            "Currency" when Math.Abs(v) >= 10_000 => v.ToString("N0", Inv) + (currency is null ? "" : " " + currency),
            _ => KpiOutput.FormatValue(kpiId, unit, v, currency),
        };
    }

    /// <summary>A short label for chart axes and bars.</summary>
    public static string Short(string kpiId, string unit, double value) => unit switch
    {
        "Ratio" when KpiOutput.IsMultiple(kpiId) => value.ToString("0.##", Inv) + (Times.Contains(kpiId) ? "×" : ""),
        "Ratio" => (value * 100).ToString(Math.Abs(value) < 0.1 ? "0.##" : "0.#", Inv) + "%",
        "Seconds" => KpiOutput.Duration(value),
        "Days" => value.ToString("0.#", Inv) + " d",
        _ => Compact(value),
    };

    public static string Compact(double value)
    {
        var a = Math.Abs(value);
        return a switch
        {
            >= 1e9 => (value / 1e9).ToString("0.##", Inv) + "B",
            >= 1e6 => (value / 1e6).ToString("0.##", Inv) + "M",
            >= 1e4 => (value / 1e3).ToString("0.#", Inv) + "k",
            >= 100 => value.ToString("N0", Inv),
            _ => value.ToString("0.##", Inv),
        };
    }

    /// <summary>"▲ 12.3%", "▼ 4.0%" or "± 0.0%"; empty without a previous value.</summary>
    public static string Change(double? changePct)
    {
        if (changePct is not { } c)
        {
            return "";
        }

        var arrow = Math.Abs(c) < 0.0005 ? "±" : c > 0 ? "▲" : "▼";
        var pct = Math.Abs(c) * 100;
        return arrow + " " + pct.ToString(pct >= 1000 ? "N0" : "N1", Inv) + "%";
    }

    /// <summary>A change as <see cref="Change(double?)"/> for relative ones; "▲ 0.4 pp" for a rate's (percentage points).</summary>
    public static string Change(KpiChange? change)
    {
        if (change is not { Points: true } c)
        {
            return Change(change?.Amount);
        }

        var points = Math.Abs(c.Amount) * 100;
        var text = points.ToString(points < 0.1 ? "N2" : "N1", Inv);
        // The arrow follows what is shown: a change that rounds to 0.00 pp reads as none.
        var arrow = points < 0.005 ? "±" : c.Amount > 0 ? "▲" : "▼";
        return arrow + " " + text + " pp";
    }

    /// <summary>good, bad or neutral: a change read by the KPI's better-when (context KPIs are never coloured).</summary>
    public static string Tone(string betterWhen, KpiChange? change) =>
        // Below half a percent, or a hundredth of a point, a change is noise: not coloured.
        change is null || Math.Abs(change.Amount) < (change.Points ? 0.0001 : 0.005) ? "neutral" : Tone(betterWhen, Math.Sign(change.Amount));

    /// <summary>good, bad or neutral: a change read by the KPI's better-when (context KPIs are never coloured).</summary>
    public static string Tone(string betterWhen, double? changePct)
    {
        if (changePct is not { } c || Math.Abs(c) < 0.005)
        {
            return "neutral";
        }

        return betterWhen switch
        {
            "Higher" => c > 0 ? "good" : "bad",
            "Lower" => c < 0 ? "good" : "bad",
            _ => "neutral",
        };
    }

    public static string Day(DateOnly date) => date.ToString("d MMM yyyy", Inv);

    public static string ShortDay(DateOnly date) => date.ToString("d MMM", Inv);

    public static string Range(KpiRange range) =>
        range.From == range.To ? Day(range.From)
        : range.From.Year == range.To.Year ? $"{ShortDay(range.From)} – {Day(range.To)}"
        : $"{Day(range.From)} – {Day(range.To)}";

    public static string PeriodName(string label) => label switch
    {
        "last-7d" => "Last 7 days",
        "last-30d" => "Last 30 days",
        "last-90d" => "Last 90 days",
        "mtd" => "Month to date",
        "qtd" => "Quarter to date",
        "ytd" => "Year to date",
        "last-month" => "Last month",
        "last-quarter" => "Last quarter",
        _ => "Custom range",
    };

    /// <summary>A number for SVG coordinates and data attributes: invariant, round-trippable.</summary>
    public static string Raw(double value) => value.ToString("R", Inv);

    public static string Px(double value) => value.ToString("0.#", Inv);
}
