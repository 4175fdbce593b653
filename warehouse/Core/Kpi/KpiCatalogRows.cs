namespace Pipeline.Warehouse.Kpi;

/// <summary>One row of <c>mart.kpi_catalog</c>, engine-neutral: each engine renders the same rows in its own SQL.</summary>
public sealed record KpiCatalogRow(
    string KpiId,
    string Name,
    string Description,
    string Stage,
    string Formula,
    string Unit,
    string BetterWhen,
    string Additivity,
    string Indicator,
    string Audiences,
    string Cadence,
    string Sources,
    string? Numerator,
    string? Denominator,
    decimal Scale,
    bool Complement,
    string MartView,
    string? CostScope);

/// <summary>One row of <c>dw.kpi_formula_terms</c>: a base measure's sign in a KPI's numerator and denominator.</summary>
public sealed record KpiFormulaTerm(string KpiId, string Measure, int NumeratorCoefficient, int DenominatorCoefficient);

/// <summary>
/// What the generated catalog views hold, computed once from <see cref="KpiCatalog"/> for every engine, so the
/// DuckDB and SQL Server warehouses publish the same rows.
/// </summary>
public static class KpiCatalogRows
{
    public static IReadOnlyList<KpiCatalogRow> Catalog() =>
        KpiCatalog.All.Select(k => new KpiCatalogRow(
            k.Id, k.Name, k.Description, k.Stage.ToString(), k.Formula, k.Unit.ToString(), k.BetterWhen.ToString(),
            k.Additivity.ToString(), k.Indicator.ToString(),
            string.Join(", ", Enum.GetValues<Audience>().Where(a => a != Audience.None && k.Audiences.HasFlag(a))),
            k.Cadence.ToString(), string.Join(", ", k.Sources), k.Numerator?.ToString(), k.Denominator?.ToString(),
            k.Scale, k.Complement, k.View, k.CostScope == CostScope.None ? null : k.CostScope.ToString().ToLowerInvariant())).ToList();

    /// <summary>Each additive or ratio KPI as signed sums of base measures, one row per KPI × measure (measures in ordinal order).</summary>
    public static IReadOnlyList<KpiFormulaTerm> FormulaTerms()
    {
        var rows = new List<KpiFormulaTerm>();
        foreach (var kpi in KpiCatalog.All.Where(k => k.Additivity is Additivity.Additive or Additivity.RatioOfSums))
        {
            var signs = new SortedDictionary<string, (int Numerator, int Denominator)>(StringComparer.Ordinal);
            foreach (var (measure, sign) in kpi.Numerator?.Terms ?? [])
            {
                signs[measure] = (signs.GetValueOrDefault(measure).Numerator + sign, signs.GetValueOrDefault(measure).Denominator);
            }

            foreach (var (measure, sign) in kpi.Denominator?.Terms ?? [])
            {
                signs[measure] = (signs.GetValueOrDefault(measure).Numerator, signs.GetValueOrDefault(measure).Denominator + sign);
            }

            rows.AddRange(signs.Select(s => new KpiFormulaTerm(kpi.Id, s.Key, s.Value.Numerator, s.Value.Denominator)));
        }

        return rows;
    }

    public const string CatalogDescription =
        "Every KPI: what it means, its formula, unit, funnel stage, which direction is good, how it may be rolled up, audiences, review cadence and sources.";

    public const string FormulaTermsDescription =
        "Generated from the KPI catalog: each additive or ratio KPI as signed sums of base measures (numerator and denominator).";

    /// <summary>The columns of <c>mart.kpi_catalog</c> in order, with what each means.</summary>
    public static IReadOnlyList<(string Column, string Description)> CatalogColumns { get; } =
    [
        ("kpi_id", "Stable identifier used by every mart view and export."),
        ("name", "Display name."),
        ("description", "What the KPI tells."),
        ("stage", "Funnel stage: Awareness, Consideration, Conversion, Loyalty."),
        ("formula", "The formula as people read it."),
        ("unit", "Count, Currency (reporting currency), Ratio, Seconds, Days or Score."),
        ("better_when", "Higher, Lower or Context: which direction is good news."),
        ("additivity", "Additive (sum at any grain), RatioOfSums (sum numerator and denominator, then divide), NonAdditive (valid only at the fetched grain), DedicatedView (computed by its own view)."),
        ("indicator", "Leading or Lagging."),
        ("audiences", "Executive, Marketing, Specialist."),
        ("cadence", "Review cadence: Daily, Weekly, Monthly, Quarterly."),
        ("sources", "Source systems the KPI needs."),
        ("numerator", "Summed base measures on top (empty for dedicated views)."),
        ("denominator", "Summed base measures below (empty for sums)."),
        ("scale", "Multiplier after dividing (1000 for CPM, 100 for NPS points)."),
        ("complement", "True when the KPI is 1 minus the ratio (bounce rate)."),
        ("mart_view", "The mart view that publishes the KPI's values."),
        ("cost_scope", "Cost KPIs only: blended (all revenue, customers or leads ÷ all marketing cost), paid (only channels with a cost source ÷ that cost) or platform (platform-claimed value ÷ ad spend); empty for the rest."),
    ];
}
