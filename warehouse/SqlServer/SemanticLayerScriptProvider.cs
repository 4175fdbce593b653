using System.Globalization;
using System.Text;
using DbUp.Engine;
using DbUp.Engine.Transactions;
using Pipeline.Warehouse.Kpi;
using Pipeline.Warehouse.Semantic;
using static Pipeline.Warehouse.SqlServer.KpiCatalogScriptProvider;

namespace Pipeline.Warehouse.SqlServer;

/// <summary>
/// The star schema (dw) and the KPI marts, re-created on every deploy after the staging tables they read: first the
/// generated <c>dw.settings</c> (from <see cref="ReportingSettings"/>) and <c>dw.kpi_formula_terms</c> (from
/// <see cref="KpiCatalog"/>), then one script per view of Scripts/Semantic in dependency order (see <see cref="SemanticLayer"/>).
/// </summary>
internal sealed class SemanticLayerScriptProvider(ReportingSettings settings) : IScriptProvider
{
    private const string ResourcePrefix = "Pipeline.Warehouse.SqlServer.Scripts.Semantic.";

    public IEnumerable<SqlScript> GetScripts(IConnectionManager connectionManager)
    {
        var options = new SqlScriptOptions { ScriptType = global::DbUp.Support.ScriptType.RunAlways, RunGroupOrder = SqlServerWarehouse.SemanticRunGroup };
        yield return new SqlScript("semantic/0100_dw_settings", SettingsSql(settings), options);
        yield return new SqlScript("semantic/0110_dw_kpi_formula_terms", FormulaTermsSql(), options);
        var scripts = SemanticLayer.Load(typeof(SemanticLayerScriptProvider).Assembly, ResourcePrefix);
        for (var i = 0; i < scripts.Count; i++)
        {
            yield return new SqlScript(SemanticLayer.ScriptName(i, scripts[i]), SemanticLayer.Render(scripts[i], SqlServerSemanticDialect.Instance), options);
        }
    }

    /// <summary>
    /// The Windows name of the reporting zone: SQL Server's AT TIME ZONE knows zones only by their Windows names.
    /// </summary>
    internal static string WindowsTimeZone(string ianaId)
    {
        if (TimeZoneInfo.TryConvertIanaIdToWindowsId(ianaId, out var windowsId))
        {
            return windowsId;
        }

        // Already a Windows name (or UTC spelled as Windows spells it).
        if (TimeZoneInfo.TryConvertWindowsIdToIanaId(ianaId, out _))
        {
            return ianaId;
        }

        throw new ArgumentException($"Reporting:TimeZone '{ianaId}' has no Windows time zone name, which SQL Server's AT TIME ZONE needs");
    }

    internal static string SettingsSql(ReportingSettings settings)
    {
        var inv = CultureInfo.InvariantCulture;
        return $"""
            CREATE OR ALTER VIEW dw.settings AS
            SELECT CAST({Text(settings.Currency)} AS nvarchar(16)) AS reporting_currency,
                   CAST({Text(settings.TimeZone)} AS nvarchar(64)) AS reporting_time_zone,
                   CAST({settings.GrossMargin.ToString(inv)} AS decimal(9, 4)) AS gross_margin,
                   CAST({Text(settings.Attribution)} AS nvarchar(16)) AS attribution_model,
                   CAST({settings.ExpectedLifespanMonths.ToString(inv)} AS int) AS expected_lifespan_months,
                   CAST({settings.MinLtvHistoryMonths.ToString(inv)} AS int) AS min_ltv_history_months,
                   CAST({settings.AnomalyWindowDays.ToString(inv)} AS int) AS anomaly_window_days,
                   CAST({settings.AnomalyThreshold.ToString(inv)} AS decimal(9, 4)) AS anomaly_threshold,
                   CAST({Text(WindowsTimeZone(settings.TimeZone))} AS nvarchar(64)) AS reporting_time_zone_windows;
            GO
            {Describe("dw", "settings", null, "Reporting settings from the pipeline configuration (Reporting section), republished by every migrate.")}
            {Describe("dw", "settings", "reporting_time_zone_windows", "The reporting time zone by its Windows name, as SQL Server's AT TIME ZONE needs it.")}
            """;
    }

    /// <summary>One row per KPI × base measure with its sign in the numerator and the denominator.</summary>
    internal static string FormulaTermsSql()
    {
        var rows = KpiCatalogRows.FormulaTerms().Select(t => string.Create(CultureInfo.InvariantCulture,
            $"({Text(t.KpiId)}, {Text(t.Measure)}, {t.NumeratorCoefficient}, {t.DenominatorCoefficient})"));
        var sql = new StringBuilder();
        sql.AppendLine("CREATE OR ALTER VIEW dw.kpi_formula_terms AS");
        sql.AppendLine("SELECT CAST(kpi_id AS nvarchar(64)) AS kpi_id, CAST(measure AS nvarchar(64)) AS measure,");
        sql.AppendLine("       CAST(numerator_coefficient AS int) AS numerator_coefficient, CAST(denominator_coefficient AS int) AS denominator_coefficient");
        sql.AppendLine("FROM (VALUES");
        sql.AppendLine(string.Join(",\n", rows));
        sql.AppendLine(") AS t(kpi_id, measure, numerator_coefficient, denominator_coefficient);");
        sql.AppendLine("GO");
        sql.AppendLine(Describe("dw", "kpi_formula_terms", null, KpiCatalogRows.FormulaTermsDescription));
        return sql.ToString();
    }
}
