using System.Globalization;
using System.Text;
using DbUp.Engine;
using DbUp.Engine.Transactions;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse.Kpi;
using Pipeline.Warehouse.Marts;
using Pipeline.Warehouse.Semantic;
using static Pipeline.Warehouse.SqlServer.KpiCatalogScriptProvider;

namespace Pipeline.Warehouse.SqlServer;

/// <summary>
/// The star schema (dw) and the KPI marts, re-created on every deploy after the staging tables they read: first the
/// generated <c>dw.settings</c> (from <see cref="ReportingSettings"/>) and <c>dw.kpi_formula_terms</c> (from
/// <see cref="KpiCatalog"/>), then one script per view of Scripts/Semantic in dependency order (see <see cref="SemanticLayer"/>).
/// </summary>
internal sealed class SemanticLayerScriptProvider : IScriptProvider
{
    private const string ResourcePrefix = "Pipeline.Warehouse.SqlServer.Scripts.Semantic.";

    private readonly IReadOnlyList<SemanticScript> scripts = SemanticLayer.Load(typeof(SemanticLayerScriptProvider).Assembly, ResourcePrefix);
    private readonly IReadOnlyList<(string Name, string Sql)> generated;
    private readonly IReadOnlyDictionary<string, ExistingMart> existing;

    /// <param name="existing">The mart views/tables the warehouse has now, by name, with their recorded definition hashes.</param>
    public SemanticLayerScriptProvider(ReportingSettings settings, IReadOnlyCollection<StreamDescriptor>? streams = null, IReadOnlyDictionary<string, ExistingMart>? existing = null)
    {
        generated =
        [
            ("semantic/0100_dw_settings", SettingsSql(settings)),
            ("semantic/0110_dw_kpi_formula_terms", FormulaTermsSql()),
            ("semantic/0120_dw_measure_sources", MeasureSourcesSql()),
            ("semantic/0130_dw_stream_catalog", StreamCatalogSql(streams ?? [])),
        ];
        this.existing = existing ?? new Dictionary<string, ExistingMart>();
        var rendered = scripts.ToDictionary(s => s.Key, s => SemanticLayer.RenderDefinition(s, SqlServerSemanticDialect.Instance), StringComparer.OrdinalIgnoreCase);
        rendered["dw.settings"] = generated[0].Sql;
        rendered["dw.kpi_formula_terms"] = generated[1].Sql;
        rendered["dw.measure_sources"] = generated[2].Sql;
        rendered["dw.stream_catalog"] = generated[3].Sql;
        rendered["mart.kpi_catalog"] = KpiCatalogScriptProvider.Sql();
        Rendered = rendered;
        Marts = MartLayer.Definitions(scripts, rendered);
    }

    /// <summary>The layer's scripts in dependency order (tests).</summary>
    internal IReadOnlyList<SemanticScript> Scripts => scripts;

    /// <summary>Every script's definition as the mart hashes read it, by schema.name, generated ones included (tests).</summary>
    internal IReadOnlyDictionary<string, string> Rendered { get; }

    /// <summary>The materialized marts in dependency order, with the hashes of the definitions this deploy installs.</summary>
    public IReadOnlyList<MartDefinition> Marts { get; }

    /// <summary>The marts this deploy builds whole (new, still views, or changed definitions).</summary>
    public IReadOnlyList<MartDefinition> Rebuilt => [.. Marts.Where(m => MartLayer.Plan(m, existing) != MartTableAction.Keep)];

    public IEnumerable<SqlScript> GetScripts(IConnectionManager connectionManager)
    {
        var options = new SqlScriptOptions { ScriptType = global::DbUp.Support.ScriptType.RunAlways, RunGroupOrder = SqlServerWarehouse.SemanticRunGroup };
        foreach (var (name, sql) in generated)
        {
            yield return new SqlScript(name, sql, options);
        }

        var marts = Marts.ToDictionary(m => m.Name, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < scripts.Count; i++)
        {
            var action = MartLayer.IsMaterialized(scripts[i]) ? MartLayer.Plan(marts[scripts[i].Name], existing) : MartTableAction.Keep;
            yield return new SqlScript(SemanticLayer.ScriptName(i, scripts[i]), SemanticLayer.Render(scripts[i], SqlServerSemanticDialect.Instance, action), options);
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
                   CAST({Text(WindowsTimeZone(settings.TimeZone))} AS nvarchar(64)) AS reporting_time_zone_windows,
                   CAST({settings.CrmMaturityDays.ToString(inv)} AS int) AS crm_maturity_days,
                   CAST({settings.AnomalyMinDenominator.ToString(inv)} AS int) AS anomaly_min_denominator,
                   CAST({settings.AnomalyMinCount.ToString(inv)} AS int) AS anomaly_min_count,
                   CAST({settings.AnomalyMinChange.ToString(inv)} AS decimal(9, 4)) AS anomaly_min_change;
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

    /// <summary>One row per base measure × source stream it is read from (<see cref="KpiMeasureSources"/>).</summary>
    internal static string MeasureSourcesSql()
    {
        var rows = KpiMeasureSources.All().Select(m => $"({Text(m.Measure)}, {Text(m.Source)}, {Text(m.Stream)}, {(m.IsMoney ? 1 : 0)})");
        var sql = new StringBuilder();
        sql.AppendLine("CREATE OR ALTER VIEW dw.measure_sources AS");
        sql.AppendLine("SELECT CAST(measure AS nvarchar(64)) AS measure, CAST(source AS nvarchar(64)) AS source, CAST(stream AS nvarchar(128)) AS stream, CAST(is_money AS bit) AS is_money");
        sql.AppendLine("FROM (VALUES");
        sql.AppendLine(string.Join(",\n", rows));
        sql.AppendLine(") AS m(measure, source, stream, is_money);");
        sql.AppendLine("GO");
        sql.AppendLine(Describe("dw", "measure_sources", null, KpiMeasureSources.Description));
        return sql.ToString();
    }

    /// <summary>One row per stream of the configured sources: its kind and the days it may still restate.</summary>
    internal static string StreamCatalogSql(IReadOnlyCollection<StreamDescriptor> streams)
    {
        var rows = streams.DistinctBy(s => (s.Source, s.Name)).OrderBy(s => s.Source, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => string.Create(CultureInfo.InvariantCulture,
                $"({Text(s.Source)}, {Text(s.Name)}, {Text(s.Kind.ToString())}, {KpiMeasureSources.RestatementDays.GetValueOrDefault((s.Source, s.Name), s.DefaultLookbackDays)})"))
            .ToList();
        var sql = new StringBuilder();
        sql.AppendLine("CREATE OR ALTER VIEW dw.stream_catalog AS");
        sql.AppendLine("SELECT CAST(source AS nvarchar(64)) AS source, CAST(stream AS nvarchar(128)) AS stream, CAST(kind AS nvarchar(16)) AS kind, CAST(restatement_days AS int) AS restatement_days");
        sql.AppendLine(rows.Count == 0
            ? "FROM (SELECT CAST(NULL AS nvarchar(64)) AS source, CAST(NULL AS nvarchar(128)) AS stream, CAST(NULL AS nvarchar(16)) AS kind, 0 AS restatement_days) AS s WHERE 1 = 0;"
            : "FROM (VALUES\n" + string.Join(",\n", rows) + "\n) AS s(source, stream, kind, restatement_days);");
        sql.AppendLine("GO");
        sql.AppendLine(Describe("dw", "stream_catalog", null,
            "Generated at migrate from the configured sources' stream definitions: each stream's kind (Report: date windows; Entity, Snapshot: whole history) and the days it may still restate."));
        return sql.ToString();
    }
}
