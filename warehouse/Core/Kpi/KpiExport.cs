using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pipeline.Warehouse.Kpi;

/// <summary>
/// The KPI catalog in the forms people and BI tools read: a Markdown reference, JSON, and Power BI DAX measures.
/// Every form is generated from <see cref="KpiCatalog"/>, so none can drift from what the marts compute
/// (<c>pipeline catalog --format markdown|json|dax</c>; <c>ops/bi/kpi-measures.dax</c> is the DAX output).
/// </summary>
public static class KpiExport
{
    /// <summary>The Power BI table every DAX measure sums: <c>dw.kpi_measure_daily</c>, imported under this name.</summary>
    public const string DaxTable = "kpi_measure_daily";

    public static string Markdown(IReadOnlyList<KpiDefinition> kpis)
    {
        ArgumentNullException.ThrowIfNull(kpis);
        var md = new StringBuilder();
        md.Append("# KPI catalog\n\n");
        md.Append("Generated from `warehouse/Core/Kpi/KpiCatalog.cs` by `pipeline catalog --format markdown`. ");
        md.Append("Sums and ratios are computed by summing numerator and denominator at the query grain, then dividing ");
        md.Append("(never by averaging ratios); `mart.kpi_catalog` publishes the same rows.\n");
        foreach (var stage in Enum.GetValues<FunnelStage>())
        {
            var inStage = kpis.Where(k => k.Stage == stage).ToList();
            if (inStage.Count == 0)
            {
                continue;
            }

            md.Append(CultureInfo.InvariantCulture, $"\n## {stage}\n\n");
            md.Append("| KPI | id | meaning | formula | numerator | denominator | unit | better when | additivity | audiences | cadence | sources | published in |\n");
            md.Append("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
            foreach (var k in inStage)
            {
                // The catalog's formula already states its scale and complement ("1000 × Σ spend / Σ impressions",
                // "% promoters − % detractors", "1 − engagement rate"); appending them again read as a second factor.
                md.Append(CultureInfo.InvariantCulture, $"| {Cell(k.Name)} | `{k.Id}` | {Cell(k.Description)} | {Cell(k.Formula)} | {Cell(k.Numerator?.ToString() ?? "")} | ");
                md.Append(CultureInfo.InvariantCulture, $"{Cell(k.Denominator?.ToString() ?? "")} | {k.Unit} | {k.BetterWhen} | {k.Additivity} | {AudienceList(k.Audiences)} | ");
                md.Append(CultureInfo.InvariantCulture, $"{k.Cadence} | {Cell(string.Join(", ", k.Sources))} | `{k.View}` |\n");
            }
        }

        md.Append("\n## Base measures\n\n| measure | counts |\n| --- | --- |\n");
        foreach (var (measure, meaning) in KpiCatalog.BaseMeasures)
        {
            md.Append(CultureInfo.InvariantCulture, $"| `{measure}` | {Cell(meaning)} |\n");
        }

        return md.ToString();
    }

    public static string Json(IReadOnlyList<KpiDefinition> kpis)
    {
        ArgumentNullException.ThrowIfNull(kpis);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var k in kpis)
            {
                json.WriteStartObject();
                json.WriteString("kpi_id", k.Id);
                json.WriteString("name", k.Name);
                json.WriteString("description", k.Description);
                json.WriteString("stage", k.Stage.ToString());
                json.WriteString("formula", k.Formula);
                json.WriteString("unit", k.Unit.ToString());
                json.WriteString("better_when", k.BetterWhen.ToString());
                json.WriteString("additivity", k.Additivity.ToString());
                json.WriteString("indicator", k.Indicator.ToString());
                WriteStrings(json, "audiences", Audiences(k.Audiences).Select(a => a.ToString()));
                json.WriteString("cadence", k.Cadence.ToString());
                WriteStrings(json, "sources", k.Sources);
                WriteTerms(json, "numerator", k.Numerator);
                WriteTerms(json, "denominator", k.Denominator);
                json.WriteNumber("scale", k.Scale);
                json.WriteBoolean("complement", k.Complement);
                json.WriteString("mart_view", k.View);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>
    /// DAX for Power BI's DAX query view: one base measure per summed base measure (respecting the breakdown rule
    /// of <c>dw.kpi_measure_daily</c>, so device and country slices never double count), then one measure per
    /// additive or ratio KPI as the sum of its numerator terms, or <c>DIVIDE</c> of numerator and denominator sums.
    /// KPIs that cannot be summed say where they are published instead.
    /// </summary>
    public static string Dax(IReadOnlyList<KpiDefinition> kpis)
    {
        ArgumentNullException.ThrowIfNull(kpis);
        var summed = kpis.Where(IsSummed).ToList();
        var measures = summed.SelectMany(k => (k.Numerator?.Measures ?? []).Concat(k.Denominator?.Measures ?? []))
            .Distinct(StringComparer.Ordinal).OrderBy(m => m, StringComparer.Ordinal).ToList();
        var t = $"'{DaxTable}'";
        var dax = new StringBuilder();
        dax.Append("// KPI measures for Power BI, generated from the KPI catalog (warehouse/Core/Kpi/KpiCatalog.cs) by\n");
        dax.Append("// `pipeline catalog --format dax`. Do not edit: regenerate. ops/bi/powerbi.md explains the model.\n");
        dax.Append("//\n");
        dax.Append(CultureInfo.InvariantCulture, $"// {t} is dw.kpi_measure_daily: one row per day, platform, channel, campaign, device, country,\n");
        dax.Append("// breakdown and base measure (money in the reporting currency). A row counts for the totals, channels and campaigns\n");
        dax.Append("// when its breakdown is all or total, for devices when all or device, for countries when all or country; the base\n");
        dax.Append("// measures below apply that rule, as mart.kpi_values does. Ratios divide sums (DIVIDE returns BLANK for 0).\n");
        dax.Append("//\n");
        dax.Append("// Power BI Desktop: open DAX query view, paste this file, run it, then \"Update model with changes\".\n");
        dax.Append("DEFINE\n");
        dax.Append("    // Base measures: Σ of one measure of dw.kpi_measure_daily.\n");
        foreach (var m in measures)
        {
            dax.Append(CultureInfo.InvariantCulture, $"    MEASURE {t}[{BaseMeasureName(m)}] =\n");
            dax.Append("        VAR family =\n");
            dax.Append("            SWITCH (\n");
            dax.Append("                TRUE (),\n");
            dax.Append(CultureInfo.InvariantCulture, $"                ISFILTERED ( {t}[device] ), \"device\",\n");
            dax.Append(CultureInfo.InvariantCulture, $"                ISFILTERED ( {t}[country] ) || ISFILTERED ( 'dim_geo' ), \"country\",\n");
            dax.Append("                \"total\"\n");
            dax.Append("            )\n");
            dax.Append("        RETURN\n");
            dax.Append("            CALCULATE (\n");
            dax.Append(CultureInfo.InvariantCulture, $"                SUM ( {t}[value] ),\n");
            dax.Append(CultureInfo.InvariantCulture, $"                {t}[measure] = \"{m}\",\n");
            dax.Append(CultureInfo.InvariantCulture, $"                {t}[breakdown] IN {{ \"all\", family }}\n");
            dax.Append("            )\n");
        }

        dax.Append('\n');
        foreach (var stage in Enum.GetValues<FunnelStage>())
        {
            dax.Append(CultureInfo.InvariantCulture, $"    // {stage}\n");
            foreach (var k in kpis.Where(k => k.Stage == stage))
            {
                if (!IsSummed(k))
                {
                    dax.Append(CultureInfo.InvariantCulture, $"    // {k.Name} ({k.Id}): {Why(k)}; read {k.View}.\n");
                    continue;
                }

                dax.Append(CultureInfo.InvariantCulture, $"    // {k.Id}: {OneLine(k.Description)}. Formula: {OneLine(k.Formula)}.\n");
                dax.Append(CultureInfo.InvariantCulture, $"    MEASURE {t}[{MeasureName(k)}] = {DaxExpression(k)}\n");
            }
        }

        dax.Append("\n// A first look at the numbers: every KPI measure over the whole model.\n");
        dax.Append("EVALUATE\n    ROW (\n");
        dax.Append(string.Join(",\n", summed.Select(k => $"        \"{k.Id}\", [{MeasureName(k)}]")));
        dax.Append("\n    )\n");
        return dax.ToString();
    }

    /// <summary>The measure's name in Power BI: the catalog name without characters measure names may not hold.</summary>
    public static string MeasureName(KpiDefinition kpi)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        var name = kpi.Name.Replace(" (", " - ", StringComparison.Ordinal).Replace(")", "", StringComparison.Ordinal)
            .Replace(" / ", " - ", StringComparison.Ordinal).Replace(":", " to ", StringComparison.Ordinal);
        return new string(name.Where(c => !".,;'`:/\\*|?\"&%$!+=()[]{}<>".Contains(c, StringComparison.Ordinal)).ToArray()).Trim();
    }

    public static string BaseMeasureName(string measure) => "Σ " + measure;

    /// <summary>The KPI as DAX over base measures: a sum, or DIVIDE of the numerator and denominator sums.</summary>
    public static string DaxExpression(KpiDefinition kpi)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        if (!IsSummed(kpi))
        {
            throw new ArgumentException($"KPI '{kpi.Id}' is {kpi.Additivity} and has no DAX measure", nameof(kpi));
        }

        var numerator = Terms(kpi.Numerator!);
        var scale = kpi.Scale == 1m ? "" : kpi.Scale.ToString(CultureInfo.InvariantCulture) + " * ";
        if (kpi.Denominator is null)
        {
            return scale + numerator;
        }

        var ratio = $"DIVIDE ( {numerator}, {Terms(kpi.Denominator)} )";
        return kpi.Complement
            ? $"VAR ratio = {ratio} RETURN IF ( ISBLANK ( ratio ), BLANK (), {scale}( 1 - ratio ) )"
            : scale + ratio;
    }

    /// <summary>Additive and ratio-of-sums KPIs: the ones any grain and any slice can sum.</summary>
    public static bool IsSummed(KpiDefinition kpi) =>
        kpi is { Additivity: Additivity.Additive or Additivity.RatioOfSums, Numerator: not null };

    private static string Terms(MeasureSum sum) =>
        string.Concat(sum.Terms.Select((term, i) =>
            (i == 0 ? (term.Sign < 0 ? "- " : "") : (term.Sign < 0 ? " - " : " + ")) + "[" + BaseMeasureName(term.Measure) + "]"));

    private static string Why(KpiDefinition k) => k.Additivity switch
    {
        Additivity.NonAdditive => "not additive (a distinct count or platform figure, valid only at the grain it was fetched at)",
        _ => "computed by a dedicated view, not from summed measures",
    };

    private static IEnumerable<Audience> Audiences(Audience audiences) =>
        Enum.GetValues<Audience>().Where(a => a != Audience.None && audiences.HasFlag(a));

    private static string AudienceList(Audience audiences) => string.Join(", ", Audiences(audiences));

    private static void WriteStrings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var v in values)
        {
            json.WriteStringValue(v);
        }

        json.WriteEndArray();
    }

    private static void WriteTerms(Utf8JsonWriter json, string name, MeasureSum? sum)
    {
        if (sum is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartArray(name);
        foreach (var (measure, sign) in sum.Terms)
        {
            json.WriteStartObject();
            json.WriteString("measure", measure);
            json.WriteNumber("sign", sign);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static string Cell(string text) => OneLine(text).Replace("|", "\\|", StringComparison.Ordinal);

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").TrimEnd('.');
}
