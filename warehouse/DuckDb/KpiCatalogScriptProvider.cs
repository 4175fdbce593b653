using System.Globalization;
using System.Text;
using DbUp.Engine;
using DbUp.Engine.Transactions;
using Pipeline.Warehouse.Kpi;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>
/// <c>mart.kpi_catalog</c> generated from <see cref="KpiCatalog"/> on every deploy, so what BI users read about a
/// KPI can never drift from the definition the marts compute.
/// </summary>
internal sealed class KpiCatalogScriptProvider : IScriptProvider
{
    public IEnumerable<SqlScript> GetScripts(IConnectionManager connectionManager) =>
    [
        new SqlScript(
            "mart/kpi_catalog",
            Sql(),
            new SqlScriptOptions { ScriptType = global::DbUp.Support.ScriptType.RunAlways, RunGroupOrder = StagingTablesScriptProvider.RunGroup }),
    ];

    internal static string Sql()
    {
        var rows = KpiCatalog.All.Select(k => "(" + string.Join(", ",
            Text(k.Id), Text(k.Name), Text(k.Description), Text(k.Stage.ToString()), Text(k.Formula), Text(k.Unit.ToString()),
            Text(k.BetterWhen.ToString()), Text(k.Additivity.ToString()), Text(k.Indicator.ToString()),
            Text(string.Join(", ", Enum.GetValues<Audience>().Where(a => a != Audience.None && k.Audiences.HasFlag(a)))),
            Text(k.Cadence.ToString()), Text(string.Join(", ", k.Sources)),
            Text(k.Numerator?.ToString()), Text(k.Denominator?.ToString()),
            k.Scale.ToString(CultureInfo.InvariantCulture), k.Complement ? "true" : "false", Text(k.View)) + ")");
        var sql = new StringBuilder();
        sql.AppendLine("CREATE OR REPLACE VIEW mart.kpi_catalog AS");
        sql.AppendLine("SELECT kpi_id, name, description, stage, formula, unit, better_when, additivity, indicator, audiences, cadence, sources,");
        sql.AppendLine("       numerator, denominator, CAST(scale AS DECIMAL(18,4)) AS scale, complement, mart_view");
        sql.AppendLine("FROM (VALUES");
        sql.AppendLine(string.Join(",\n", rows));
        sql.AppendLine(") AS k(kpi_id, name, description, stage, formula, unit, better_when, additivity, indicator, audiences, cadence, sources, numerator, denominator, scale, complement, mart_view);");
        sql.AppendLine("COMMENT ON VIEW mart.kpi_catalog IS 'Every KPI: what it means, its formula, unit, funnel stage, which direction is good, how it may be rolled up, audiences, review cadence and sources.';");
        foreach (var (column, comment) in ColumnComments)
        {
            sql.Append("COMMENT ON COLUMN mart.kpi_catalog.").Append(column).Append(" IS ").Append(Text(comment)).AppendLine(";");
        }

        return sql.ToString();
    }

    private static readonly (string Column, string Comment)[] ColumnComments =
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
    ];

    internal static string Text(string? value) => value is null ? "NULL" : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
