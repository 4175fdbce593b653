using System.Globalization;
using System.Net;
using System.Text;

namespace Pipeline.Cli.Report;

/// <summary>
/// Hand-written inline SVG: sparklines, a period-over-period line chart, horizontal bars and a funnel. No script and
/// no external resource; every mark has a &lt;title&gt; so hovering shows the exact number.
/// </summary>
internal static class SvgChart
{
    private const string Primary = "#2563eb";
    private const string PreviousColour = "#94a3b8";
    private const string Grid = "#e2e8f0";
    private const string Ink = "#475569";

    public static string Sparkline(IReadOnlyList<ChartPoint> points, string tone, int width = 220, int height = 40)
    {
        var values = points.Select(p => p.Value).ToList();
        if (values.Count(v => v is not null) < 2)
        {
            return $"""<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="no trend"></svg>""";
        }

        var (lo, hi) = Bounds(values.OfType<double>(), zeroBased: false);
        var colour = tone switch { "good" => "#16a34a", "bad" => "#dc2626", _ => Primary };
        double X(int i) => 2 + (i * (width - 4.0) / Math.Max(1, values.Count - 1));
        double Y(double v) => height - 3 - ((v - lo) / (hi - lo) * (height - 6));
        var line = Path(values, X, Y);
        var lastIndex = values.FindLastIndex(v => v is not null);
        var area = Area(values, X, Y, height - 1);
        return $"""<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="trend"><path d="{area}" fill="{colour}" fill-opacity="0.08"/><path d="{line}" fill="none" stroke="{colour}" stroke-width="1.8" stroke-linejoin="round" stroke-linecap="round"/><circle cx="{ReportFormat.Px(X(lastIndex))}" cy="{ReportFormat.Px(Y(values[lastIndex]!.Value))}" r="2.6" fill="{colour}"/></svg>""";
    }

    /// <summary>This period (solid) over the previous one (dashed), aligned by position.</summary>
    public static string Line(TrendChart chart, string grain)
    {
        const int width = 560, height = 210, left = 58, right = 14, top = 14, bottom = 30;
        var current = chart.Current.Select(p => p.Value).ToList();
        var previous = chart.Previous.Select(p => p.Value).ToList();
        var all = current.Concat(previous).OfType<double>().ToList();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg class="chart" width="100%" viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet" role="img" aria-label="{Encode(chart.Kpi.Name)} trend">""");
        if (all.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{width / 2}" y="{height / 2}" text-anchor="middle" fill="{Ink}" font-size="13">No values in this period</text></svg>""");
            return svg.ToString();
        }

        var (lo, hi) = Bounds(all, zeroBased: chart.Kpi.Unit is "Count" or "Currency");
        var ticks = Ticks(lo, hi, 4);
        lo = Math.Min(lo, ticks[0]);
        hi = Math.Max(hi, ticks[^1]);
        var n = Math.Max(current.Count, previous.Count);
        double X(int i) => left + (i * (width - left - right) / (double)Math.Max(1, n - 1));
        double Y(double v) => top + ((hi - v) / (hi - lo) * (height - top - bottom));
        foreach (var t in ticks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<line x1="{left}" x2="{width - right}" y1="{ReportFormat.Px(Y(t))}" y2="{ReportFormat.Px(Y(t))}" stroke="{Grid}"/>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{left - 8}" y="{ReportFormat.Px(Y(t) + 4)}" text-anchor="end" font-size="11" fill="{Ink}">{Encode(ReportFormat.Short(chart.Kpi.Id, chart.Kpi.Unit, t))}</text>""");
        }

        // Dates of this period along the bottom: first, middle, last.
        foreach (var i in new[] { 0, (chart.Current.Count - 1) / 2, chart.Current.Count - 1 }.Distinct().Where(i => i >= 0))
        {
            var anchor = i == 0 ? "start" : i == chart.Current.Count - 1 ? "end" : "middle";
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{ReportFormat.Px(X(i))}" y="{height - 9}" text-anchor="{anchor}" font-size="11" fill="{Ink}">{Encode(DateLabel(chart.Current[i].Date, grain))}</text>""");
        }

        if (previous.Count(v => v is not null) > 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"""<path d="{Path(previous, X, Y)}" fill="none" stroke="{PreviousColour}" stroke-width="1.6" stroke-dasharray="5 4"/>""");
        }

        svg.Append(CultureInfo.InvariantCulture, $"""<path d="{Area(current, X, Y, Y(Math.Max(lo, Math.Min(0, hi))))}" fill="{Primary}" fill-opacity="0.07"/>""");
        svg.Append(CultureInfo.InvariantCulture, $"""<path d="{Path(current, X, Y)}" fill="none" stroke="{Primary}" stroke-width="2.4" stroke-linejoin="round" stroke-linecap="round"/>""");
        for (var i = 0; i < current.Count; i++)
        {
            if (current[i] is not { } v)
            {
                continue;
            }

            var prior = i < previous.Count && previous[i] is { } p ? $" (previous period: {ReportFormat.Value(chart.Kpi.Id, chart.Kpi.Unit, p, chart.Currency)})" : "";
            svg.Append(CultureInfo.InvariantCulture, $"""<circle cx="{ReportFormat.Px(X(i))}" cy="{ReportFormat.Px(Y(v))}" r="{(i == current.Count - 1 ? 3.5 : 2.2).ToString(CultureInfo.InvariantCulture)}" fill="{Primary}"><title>{Encode(DateLabel(chart.Current[i].Date, grain))}: {Encode(ReportFormat.Value(chart.Kpi.Id, chart.Kpi.Unit, v, chart.Currency))}{Encode(prior)}</title></circle>""");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Horizontal bars, largest first, with a dark tick where the previous period stood.</summary>
    public static string Bars(BarChart chart)
    {
        const int width = 560, label = 132, valueWidth = 92, row = 28;
        var height = (chart.Bars.Count * row) + 8;
        var max = chart.Bars.SelectMany(b => new[] { b.Value ?? 0, b.Previous ?? 0 }).DefaultIfEmpty(0).Max();
        var plot = width - label - valueWidth - 8;
        double W(double v) => max <= 0 ? 0 : Math.Max(0, v) / max * plot;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg class="chart" width="100%" viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet" role="img" aria-label="{Encode(chart.Kpi.Name)} by {chart.SegmentType}">""");
        for (var i = 0; i < chart.Bars.Count; i++)
        {
            var b = chart.Bars[i];
            var y = 4 + (i * row);
            var text = ReportFormat.Value(chart.Kpi.Id, chart.Kpi.Unit, b.Value, chart.Currency);
            var previous = b.Previous is { } p ? ReportFormat.Value(chart.Kpi.Id, chart.Kpi.Unit, p, chart.Currency) : "no value";
            svg.Append(CultureInfo.InvariantCulture, $"""<g class="bar" data-segment="{Encode(b.Label)}" data-value="{(b.Value is { } r ? ReportFormat.Raw(r) : "")}">""");
            svg.Append(CultureInfo.InvariantCulture, $"""<title>{Encode(b.Label)}: {Encode(text)} (previous period: {Encode(previous)})</title>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{label - 10}" y="{y + 17}" text-anchor="end" font-size="12" fill="#1e293b">{Encode(Truncate(b.Label, 20))}</text>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{label}" y="{y + 4}" width="{plot}" height="{row - 10}" rx="4" fill="#f1f5f9"/>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{label}" y="{y + 4}" width="{ReportFormat.Px(W(b.Value ?? 0))}" height="{row - 10}" rx="4" fill="{Primary}" fill-opacity="{(i == 0 ? "1" : "0.78")}"/>""");
            if (b.Previous is { } prev)
            {
                svg.Append(CultureInfo.InvariantCulture, $"""<rect x="{ReportFormat.Px(label + W(prev) - 1)}" y="{y + 1}" width="2.5" height="{row - 4}" fill="#0f172a"/>""");
            }

            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{width - valueWidth}" y="{y + 17}" font-size="12" font-weight="600" fill="#0f172a">{Encode(ReportFormat.Short(chart.Kpi.Id, chart.Kpi.Unit, b.Value ?? 0))}</text>""");
            svg.Append("</g>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Stages as narrowing bands; beside each, the share of the stage before it.</summary>
    public static string Funnel(IReadOnlyList<FunnelStep> steps)
    {
        const int width = 560, band = 46, gap = 6, funnelWidth = 380;
        var height = (steps.Count * (band + gap)) + 4;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""<svg class="chart" width="100%" viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet" role="img" aria-label="funnel">""");
        var shades = new[] { "#1e3a8a", "#1d4ed8", "#2563eb", "#3b82f6", "#60a5fa", "#93c5fd" };
        for (var i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            var y = 2 + (i * (band + gap));
            // Fixed narrowing (the counts differ by orders of magnitude, so widths proportional to them would hide the lower stages).
            var topWidth = funnelWidth * (1 - (i * 0.15));
            var bottomWidth = funnelWidth * (1 - ((i + 1) * 0.15));
            var cx = funnelWidth / 2.0;
            var points = string.Join(' ', new[]
            {
                (cx - (topWidth / 2), y), (cx + (topWidth / 2), y), (cx + (bottomWidth / 2), y + band), (cx - (bottomWidth / 2), y + band),
            }.Select(p => ReportFormat.Px(p.Item1) + "," + ReportFormat.Px(p.Item2)));
            var value = ReportFormat.Value(s.Kpi.Id, s.Kpi.Unit, s.Value, null);
            var change = ReportFormat.Change(s.Value is { } v && s.Previous is { } p && p != 0 ? (v - p) / Math.Abs(p) : null);
            svg.Append(CultureInfo.InvariantCulture, $"""<g class="stage" data-kpi="{s.Kpi.Id}" data-value="{(s.Value is { } raw ? ReportFormat.Raw(raw) : "")}">""");
            svg.Append(CultureInfo.InvariantCulture, $"""<title>{Encode(s.Kpi.Name)}: {Encode(value)}{(change.Length > 0 ? Encode($" ({change} vs previous period)") : "")}</title>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<polygon points="{points}" fill="{shades[Math.Min(i, shades.Length - 1)]}"/>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{ReportFormat.Px(cx)}" y="{y + 20}" text-anchor="middle" font-size="12" fill="#fff" fill-opacity="0.9">{Encode(s.Kpi.Name)}</text>""");
            svg.Append(CultureInfo.InvariantCulture, $"""<text x="{ReportFormat.Px(cx)}" y="{y + 37}" text-anchor="middle" font-size="15" font-weight="700" fill="#fff">{Encode(value)}</text>""");
            if (i > 0 && steps[i - 1].Value is { } before && before != 0 && s.Value is { } now)
            {
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{funnelWidth + 18}" y="{y + 21}" font-size="13" font-weight="600" fill="#0f172a">{Encode(ReportFormat.Short("", "Ratio", now / before))}</text>""");
                svg.Append(CultureInfo.InvariantCulture, $"""<text x="{funnelWidth + 18}" y="{y + 37}" font-size="11" fill="{Ink}">of {Encode(steps[i - 1].Kpi.Name.ToLowerInvariant())}</text>""");
            }

            svg.Append("</g>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string DateLabel(DateOnly date, string grain) => grain switch
    {
        "month" => date.ToString("MMM yyyy", CultureInfo.InvariantCulture),
        "week" => "wk of " + date.ToString("d MMM", CultureInfo.InvariantCulture),
        _ => date.ToString("d MMM", CultureInfo.InvariantCulture),
    };

    /// <summary>A line through the values, broken where one is missing.</summary>
    private static string Path(IReadOnlyList<double?> values, Func<int, double> x, Func<double, double> y)
    {
        var d = new StringBuilder();
        var pen = false;
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not { } v)
            {
                pen = false;
                continue;
            }

            d.Append(pen ? " L" : (d.Length > 0 ? " M" : "M")).Append(ReportFormat.Px(x(i))).Append(',').Append(ReportFormat.Px(y(v)));
            pen = true;
        }

        return d.ToString();
    }

    /// <summary>The area under each unbroken run of the line, down to the baseline.</summary>
    private static string Area(IReadOnlyList<double?> values, Func<int, double> x, Func<double, double> y, double baseline)
    {
        var d = new StringBuilder();
        var i = 0;
        while (i < values.Count)
        {
            if (values[i] is null)
            {
                i++;
                continue;
            }

            var first = i;
            while (i + 1 < values.Count && values[i + 1] is not null)
            {
                i++;
            }

            if (i > first)
            {
                d.Append(d.Length > 0 ? " M" : "M").Append(ReportFormat.Px(x(first))).Append(',').Append(ReportFormat.Px(baseline));
                for (var j = first; j <= i; j++)
                {
                    d.Append(" L").Append(ReportFormat.Px(x(j))).Append(',').Append(ReportFormat.Px(y(values[j]!.Value)));
                }

                d.Append(" L").Append(ReportFormat.Px(x(i))).Append(',').Append(ReportFormat.Px(baseline)).Append(" Z");
            }

            i++;
        }

        return d.ToString();
    }

    private static (double Lo, double Hi) Bounds(IEnumerable<double> values, bool zeroBased)
    {
        var list = values.ToList();
        var lo = list.Min();
        var hi = list.Max();
        if (zeroBased)
        {
            lo = Math.Min(0, lo);
            hi = Math.Max(0, hi);
        }

        if (hi - lo < 1e-12)
        {
            // A flat line sits in the middle.
            var pad = Math.Abs(hi) > 1e-12 ? Math.Abs(hi) * 0.1 : 1;
            return (lo - pad, hi + pad);
        }

        return (lo, hi);
    }

    /// <summary>Round tick values (1, 2, 2.5 or 5 × a power of ten) covering [lo, hi].</summary>
    private static double[] Ticks(double lo, double hi, int count)
    {
        var raw = (hi - lo) / count;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 2.5, 5, 10 }.Select(f => f * magnitude).First(s => s >= raw);
        var start = Math.Floor(lo / step) * step;
        var ticks = new List<double>();
        for (var t = start; t <= hi + (step * 0.999); t += step)
        {
            ticks.Add(Math.Round(t, 12));
        }

        return [.. ticks];
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
