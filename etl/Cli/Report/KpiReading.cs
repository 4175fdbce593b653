using Pipeline.Cli.Kpi;
using Pipeline.Warehouse.Kpi;

namespace Pipeline.Cli.Report;

/// <summary>
/// How the report reads a KPI's numbers, decided from the catalog (its unit and formula terms), never from a list of
/// ids here: whether a change is in percentage points, and whether a value can fall below zero.
/// </summary>
internal static class KpiReading
{
    /// <summary>
    /// A rate or share shown in percent (CTR, unsubscribe rate, ROI): the catalog's Ratio unit except the multiples
    /// shown as plain numbers (ROAS 1.9×, pages per session), which <see cref="KpiOutput.IsMultiple"/> names once.
    /// Its change is the difference of the two rates in percentage points: 0.1 % → 0.5 % is "▲ 0.4 pp", not "▲ 400 %".
    /// </summary>
    public static bool IsRate(string kpiId, string unit) => unit == "Ratio" && !KpiOutput.IsMultiple(kpiId);

    /// <summary>
    /// Whether the KPI's value can never be below zero, so a usual range reaching below it is cut at 0. A sum or ratio
    /// of measures is non-negative unless its numerator subtracts one (list growth, ROI, ROMI); a score (NPS) can be
    /// negative. KPIs of dedicated views have no terms: counts, amounts and durations are non-negative, and so are
    /// shares and rates whose formula subtracts nothing (a channel's share of sessions); a ratio whose formula does
    /// (sales growth, "(this period − previous) / previous") may be negative, and is left as the mart has it.
    /// </summary>
    public static bool IsNonNegative(string kpiId, string unit)
    {
        if (unit == "Score")
        {
            return false;
        }

        var definition = KpiCatalog.All.FirstOrDefault(k => k.Id == kpiId);
        if (definition?.Numerator is { } numerator)
        {
            return numerator.Terms.All(t => t.Sign > 0);
        }

        return unit is "Count" or "Currency" or "Seconds" or "Days"
            || (unit == "Ratio" && definition is not null && !definition.Formula.Contains('−', StringComparison.Ordinal));
    }
}
