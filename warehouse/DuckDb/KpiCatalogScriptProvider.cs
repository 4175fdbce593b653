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
        var rows = KpiCatalogRows.Catalog().Select(k => "(" + string.Join(", ",
            Text(k.KpiId), Text(k.Name), Text(k.Description), Text(k.Stage), Text(k.Formula), Text(k.Unit),
            Text(k.BetterWhen), Text(k.Additivity), Text(k.Indicator), Text(k.Audiences), Text(k.Cadence), Text(k.Sources),
            Text(k.Numerator), Text(k.Denominator),
            k.Scale.ToString(CultureInfo.InvariantCulture), k.Complement ? "true" : "false", Text(k.MartView), Text(k.CostScope)) + ")");
        var sql = new StringBuilder();
        sql.AppendLine("CREATE OR REPLACE VIEW mart.kpi_catalog AS");
        sql.AppendLine("SELECT kpi_id, name, description, stage, formula, unit, better_when, additivity, indicator, audiences, cadence, sources,");
        sql.AppendLine("       numerator, denominator, CAST(scale AS DECIMAL(18,4)) AS scale, complement, mart_view,");
        sql.AppendLine("       CAST(cost_scope AS VARCHAR) AS cost_scope");
        sql.AppendLine("FROM (VALUES");
        sql.AppendLine(string.Join(",\n", rows));
        sql.AppendLine(") AS k(" + string.Join(", ", KpiCatalogRows.CatalogColumns.Select(c => c.Column)) + ");");
        sql.Append("COMMENT ON VIEW mart.kpi_catalog IS ").Append(Text(KpiCatalogRows.CatalogDescription)).AppendLine(";");
        foreach (var (column, comment) in KpiCatalogRows.CatalogColumns)
        {
            sql.Append("COMMENT ON COLUMN mart.kpi_catalog.").Append(column).Append(" IS ").Append(Text(comment)).AppendLine(";");
        }

        return sql.ToString();
    }

    internal static string Text(string? value) => value is null ? "NULL" : "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
