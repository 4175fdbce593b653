using System.Globalization;
using System.Text;
using DbUp.Engine;
using DbUp.Engine.Transactions;
using Pipeline.Warehouse.Kpi;

namespace Pipeline.Warehouse.SqlServer;

/// <summary>
/// <c>mart.kpi_catalog</c> generated from <see cref="KpiCatalog"/> on every deploy (the same rows as DuckDB's, from
/// <see cref="KpiCatalogRows"/>), so what BI users read about a KPI can never drift from what the marts compute.
/// </summary>
internal sealed class KpiCatalogScriptProvider : IScriptProvider
{
    public IEnumerable<SqlScript> GetScripts(IConnectionManager connectionManager) =>
    [
        new SqlScript(
            "mart/kpi_catalog",
            Sql(),
            new SqlScriptOptions { ScriptType = global::DbUp.Support.ScriptType.RunAlways, RunGroupOrder = SqlServerWarehouse.StagingRunGroup }),
    ];

    internal static string Sql()
    {
        var rows = KpiCatalogRows.Catalog().Select(k => "(" + string.Join(", ",
            Text(k.KpiId), Text(k.Name), Text(k.Description), Text(k.Stage), Text(k.Formula), Text(k.Unit), Text(k.BetterWhen),
            Text(k.Additivity), Text(k.Indicator), Text(k.Audiences), Text(k.Cadence), Text(k.Sources), Text(k.Numerator),
            Text(k.Denominator), k.Scale.ToString(CultureInfo.InvariantCulture), k.Complement ? "1" : "0", Text(k.MartView), Text(k.CostScope)) + ")");
        var sql = new StringBuilder();
        sql.AppendLine("CREATE OR ALTER VIEW mart.kpi_catalog AS");
        sql.AppendLine("SELECT CAST(kpi_id AS nvarchar(64)) AS kpi_id, CAST(name AS nvarchar(200)) AS name, CAST(description AS nvarchar(1000)) AS description,");
        sql.AppendLine("       CAST(stage AS nvarchar(32)) AS stage, CAST(formula AS nvarchar(400)) AS formula, CAST(unit AS nvarchar(32)) AS unit,");
        sql.AppendLine("       CAST(better_when AS nvarchar(32)) AS better_when, CAST(additivity AS nvarchar(32)) AS additivity, CAST(indicator AS nvarchar(32)) AS indicator,");
        sql.AppendLine("       CAST(audiences AS nvarchar(100)) AS audiences, CAST(cadence AS nvarchar(32)) AS cadence, CAST(sources AS nvarchar(200)) AS sources,");
        sql.AppendLine("       CAST(numerator AS nvarchar(400)) AS numerator, CAST(denominator AS nvarchar(400)) AS denominator,");
        sql.AppendLine("       CAST(scale AS decimal(18, 4)) AS scale, CAST(complement AS bit) AS complement, CAST(mart_view AS nvarchar(128)) AS mart_view,");
        sql.AppendLine("       CAST(cost_scope AS nvarchar(16)) AS cost_scope");
        sql.AppendLine("FROM (VALUES");
        sql.AppendLine(string.Join(",\n", rows));
        sql.AppendLine(") AS k(kpi_id, name, description, stage, formula, unit, better_when, additivity, indicator, audiences, cadence, sources, numerator, denominator, scale, complement, mart_view, cost_scope);");
        sql.AppendLine("GO");
        sql.AppendLine(Describe("mart", "kpi_catalog", null, KpiCatalogRows.CatalogDescription));
        foreach (var (column, description) in KpiCatalogRows.CatalogColumns)
        {
            sql.AppendLine(Describe("mart", "kpi_catalog", column, description));
        }

        return sql.ToString();
    }

    /// <summary>An <c>etl.set_description</c> call (MS_Description of a view, table or column).</summary>
    internal static string Describe(string schema, string obj, string? column, string text) =>
        $"EXEC etl.set_description @schema = {Text(schema)}, @object = {Text(obj)}, @column = {Text(column)}, @text = {Text(text)};";

    internal static string Text(string? value) => value is null ? "NULL" : "N'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
