using System.Globalization;
using System.Text;
using DbUp.Engine;
using DbUp.Engine.Transactions;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse.Kpi;
using Pipeline.Warehouse.Marts;
using Pipeline.Warehouse.Semantic;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>
/// The star schema (dw) and the KPI marts, re-created on every deploy after the staging tables they read. Two
/// scripts are generated: <c>dw.settings</c> from <see cref="ReportingSettings"/> and <c>dw.kpi_formula_terms</c>
/// from <see cref="KpiCatalog"/>, so the marts compute each KPI from its one definition. Then one script per view of
/// Scripts/Semantic in dependency order, with its descriptions from warehouse/Semantic (see <see cref="SemanticLayer"/>).
/// </summary>
internal sealed class SemanticLayerScriptProvider : IScriptProvider
{
    public const int RunGroup = 3;

    private const string ResourcePrefix = "Pipeline.Warehouse.DuckDb.Scripts.Semantic.";

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
        var rendered = scripts.ToDictionary(s => s.Key, s => SemanticLayer.RenderDefinition(s, DuckDbSemanticDialect.Instance), StringComparer.OrdinalIgnoreCase);
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
        var options = new SqlScriptOptions { ScriptType = global::DbUp.Support.ScriptType.RunAlways, RunGroupOrder = RunGroup };
        foreach (var (name, sql) in generated)
        {
            yield return new SqlScript(name, sql, options);
        }

        var marts = Marts.ToDictionary(m => m.Name, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < scripts.Count; i++)
        {
            var action = MartLayer.IsMaterialized(scripts[i]) ? MartLayer.Plan(marts[scripts[i].Name], existing) : MartTableAction.Keep;
            yield return new SqlScript(SemanticLayer.ScriptName(i, scripts[i]), SemanticLayer.Render(scripts[i], DuckDbSemanticDialect.Instance, action), options);
        }
    }

    internal static string SettingsSql(ReportingSettings settings)
    {
        var inv = CultureInfo.InvariantCulture;
        return $"""
            CREATE OR REPLACE VIEW dw.settings AS
            SELECT CAST({KpiCatalogScriptProvider.Text(settings.Currency)} AS VARCHAR) AS reporting_currency,
                   CAST({KpiCatalogScriptProvider.Text(settings.TimeZone)} AS VARCHAR) AS reporting_time_zone,
                   CAST({settings.GrossMargin.ToString(inv)} AS DECIMAL(9, 4)) AS gross_margin,
                   CAST({KpiCatalogScriptProvider.Text(settings.Attribution)} AS VARCHAR) AS attribution_model,
                   CAST({settings.ExpectedLifespanMonths.ToString(inv)} AS INTEGER) AS expected_lifespan_months,
                   CAST({settings.MinLtvHistoryMonths.ToString(inv)} AS INTEGER) AS min_ltv_history_months,
                   CAST({settings.AnomalyWindowDays.ToString(inv)} AS INTEGER) AS anomaly_window_days,
                   CAST({settings.AnomalyThreshold.ToString(inv)} AS DECIMAL(9, 4)) AS anomaly_threshold,
                   CAST({settings.CrmMaturityDays.ToString(inv)} AS INTEGER) AS crm_maturity_days,
                   CAST({settings.AnomalyMinDenominator.ToString(inv)} AS INTEGER) AS anomaly_min_denominator,
                   CAST({settings.AnomalyMinCount.ToString(inv)} AS INTEGER) AS anomaly_min_count,
                   CAST({settings.AnomalyMinChange.ToString(inv)} AS DECIMAL(9, 4)) AS anomaly_min_change;
            COMMENT ON VIEW dw.settings IS 'Reporting settings from the pipeline configuration (Reporting section), republished by every migrate.';
            """;
    }

    /// <summary>One row per KPI × base measure with its sign in the numerator and the denominator.</summary>
    internal static string FormulaTermsSql()
    {
        var rows = KpiCatalogRows.FormulaTerms().Select(t => string.Create(CultureInfo.InvariantCulture,
            $"({KpiCatalogScriptProvider.Text(t.KpiId)}, {KpiCatalogScriptProvider.Text(t.Measure)}, {t.NumeratorCoefficient}, {t.DenominatorCoefficient})"));
        var sql = new StringBuilder();
        sql.AppendLine("CREATE OR REPLACE VIEW dw.kpi_formula_terms AS");
        sql.AppendLine("SELECT kpi_id, measure, CAST(numerator_coefficient AS INTEGER) AS numerator_coefficient, CAST(denominator_coefficient AS INTEGER) AS denominator_coefficient");
        sql.AppendLine("FROM (VALUES");
        sql.AppendLine(string.Join(",\n", rows));
        sql.AppendLine(") AS t(kpi_id, measure, numerator_coefficient, denominator_coefficient);");
        sql.AppendLine("COMMENT ON VIEW dw.kpi_formula_terms IS 'Generated from the KPI catalog: each additive or ratio KPI as signed sums of base measures (numerator and denominator).';");
        return sql.ToString();
    }

    /// <summary>One row per base measure × source stream it is read from (<see cref="KpiMeasureSources"/>).</summary>
    internal static string MeasureSourcesSql()
    {
        var rows = KpiMeasureSources.All().Select(m =>
            $"({KpiCatalogScriptProvider.Text(m.Measure)}, {KpiCatalogScriptProvider.Text(m.Source)}, {KpiCatalogScriptProvider.Text(m.Stream)}, {(m.IsMoney ? "true" : "false")})");
        var sql = new StringBuilder();
        sql.AppendLine("CREATE OR REPLACE VIEW dw.measure_sources AS");
        sql.AppendLine("SELECT CAST(measure AS VARCHAR) AS measure, CAST(source AS VARCHAR) AS source, CAST(stream AS VARCHAR) AS stream, CAST(is_money AS BOOLEAN) AS is_money");
        sql.AppendLine("FROM (VALUES");
        sql.AppendLine(string.Join(",\n", rows));
        sql.AppendLine(") AS m(measure, source, stream, is_money);");
        sql.Append("COMMENT ON VIEW dw.measure_sources IS ").Append(KpiCatalogScriptProvider.Text(KpiMeasureSources.Description)).AppendLine(";");
        return sql.ToString();
    }

    /// <summary>
    /// One row per stream of the configured sources: its kind and the days it may still restate (its lookback, or
    /// <see cref="KpiMeasureSources.RestatementDays"/>), so coverage can tell final days from provisional ones.
    /// </summary>
    internal static string StreamCatalogSql(IReadOnlyCollection<StreamDescriptor> streams)
    {
        var rows = StreamCatalogRows(streams).Select(r => string.Create(CultureInfo.InvariantCulture,
            $"({KpiCatalogScriptProvider.Text(r.Source)}, {KpiCatalogScriptProvider.Text(r.Stream)}, {KpiCatalogScriptProvider.Text(r.Kind)}, {r.RestatementDays})")).ToList();
        var sql = new StringBuilder();
        sql.AppendLine("CREATE OR REPLACE VIEW dw.stream_catalog AS");
        sql.AppendLine("SELECT CAST(source AS VARCHAR) AS source, CAST(stream AS VARCHAR) AS stream, CAST(kind AS VARCHAR) AS kind, CAST(restatement_days AS INTEGER) AS restatement_days");
        sql.AppendLine(rows.Count == 0
            ? "FROM (SELECT NULL AS source, NULL AS stream, NULL AS kind, 0 AS restatement_days) AS s WHERE false;"
            : "FROM (VALUES\n" + string.Join(",\n", rows) + "\n) AS s(source, stream, kind, restatement_days);");
        sql.AppendLine("COMMENT ON VIEW dw.stream_catalog IS " + KpiCatalogScriptProvider.Text(StreamCatalogDescription) + ";");
        return sql.ToString();
    }

    internal const string StreamCatalogDescription =
        "Generated at migrate from the configured sources' stream definitions: each stream's kind (Report: date windows; Entity, Snapshot: whole history) and the days it may still restate.";

    internal static IEnumerable<(string Source, string Stream, string Kind, int RestatementDays)> StreamCatalogRows(IReadOnlyCollection<StreamDescriptor> streams) =>
        streams.DistinctBy(s => (s.Source, s.Name)).OrderBy(s => s.Source, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => (s.Source, s.Name, s.Kind.ToString(), KpiMeasureSources.RestatementDays.GetValueOrDefault((s.Source, s.Name), s.DefaultLookbackDays)));
}
