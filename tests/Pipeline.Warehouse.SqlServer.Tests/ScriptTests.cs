using System.Text;
using Pipeline.Connectors.Streams;
using Pipeline.Warehouse.Kpi;

namespace Pipeline.Warehouse.SqlServer.Tests;

/// <summary>Every T-SQL text this engine sends parses as SQL Server 2022 T-SQL, for every built-in stream.</summary>
public sealed class ScriptTests
{
    private static IEnumerable<StreamDescriptor> Streams() => Etl.Sources.BuiltInStreams.Concat([TestStreams.AllTypes, .. TestStreams.All]);

    private static IEnumerable<string> OwnScriptResources() =>
        typeof(SqlServerWarehouse).Assembly.GetManifestResourceNames()
            .Where(n => n.Contains(".Scripts.Versioned.", StringComparison.Ordinal) || n.Contains(".Scripts.Views.", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    [Test]
    public void The_engine_ships_its_versioned_and_view_scripts()
    {
        Assert.That(OwnScriptResources().Select(n => n[(n.IndexOf(".Scripts.", StringComparison.Ordinal) + 9)..]), Is.EqualTo(new[]
        {
            "Versioned.0001_layers_and_etl.sql", "Versioned.0002_semantic_settings.sql", "Versioned.0003_security_roles.sql", "Versioned.0004_alert_state.sql",
            "Versioned.0005_channel_mapping_keys.sql", "Versioned.0006_mart_tables.sql", "Versioned.0007_mart_changes.sql",
            "Views.0100_etl_stream_status.sql",
        }));
    }

    [Test]
    public void The_parse_check_catches_what_SQL_Server_would_refuse() =>
        // CREATE VIEW must start its batch: a script that forgets GO fails on the server, so it must fail here.
        Assert.That(TSql.Errors("SELECT 1;\nCREATE VIEW dbo.v AS SELECT 1 AS x;"), Is.Not.Empty);

    [TestCaseSource(nameof(OwnScriptResources))]
    public void Versioned_and_view_scripts_parse(string resource)
    {
        using var stream = typeof(SqlServerWarehouse).Assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        TSql.AssertParses(reader.ReadToEnd(), resource);
    }

    [TestCaseSource(nameof(Streams))]
    public void Staging_and_load_statements_parse_for_every_stream(StreamDescriptor stream)
    {
        TSql.AssertParses(StagingTablesScriptProvider.CreateTableSql(stream), "staging DDL");
        TSql.AssertParses(LoadSql.CreateLoadTable(stream), "load table");
        TSql.AssertParses(LoadSql.DuplicateRejects(stream), "duplicate rejects");
        TSql.AssertParses(LoadSql.MaxCursor(stream), "max cursor");
        if (stream.Kind == StreamKind.Entity)
        {
            TSql.AssertParses(LoadSql.Merge(stream), "merge");
        }
        else
        {
            TSql.AssertParses(LoadSql.Delete(stream) + "\n" + LoadSql.Insert(stream), "delete + insert");
        }
    }

    [Test]
    public void Fixed_statements_parse()
    {
        TSql.AssertParses(LoadSql.Lock, "lock");
        TSql.AssertParses(LoadSql.StreamedRejects, "streamed rejects");
        TSql.AssertParses(LoadSql.ReadCursor, "read cursor");
        TSql.AssertParses(LoadSql.UpsertState, "state upsert");
        TSql.AssertParses(LoadSql.DropLoadTable, "drop load table");
        TSql.AssertParses(SqlServerWarehouse.GrantBiReaderSql, "grant helper");
        TSql.AssertParses(DbUp.SqlServerTableJournal.CreateTableSql("etl", "[etl].[schema_versions]", "[PK_schema_versions_Id]"), "journal");
    }

    [Test]
    public void Generated_catalog_settings_and_formula_terms_parse()
    {
        TSql.AssertParses(KpiCatalogScriptProvider.Sql(), "mart.kpi_catalog");
        TSql.AssertParses(SemanticLayerScriptProvider.SettingsSql(new ReportingSettings { Currency = "EUR", TimeZone = "Europe/Berlin" }), "dw.settings");
        TSql.AssertParses(SemanticLayerScriptProvider.FormulaTermsSql(), "dw.kpi_formula_terms");
        TSql.AssertParses(SemanticLayerScriptProvider.MeasureSourcesSql(), "dw.measure_sources");
        TSql.AssertParses(SemanticLayerScriptProvider.StreamCatalogSql([]), "dw.stream_catalog (no streams)");
        TSql.AssertParses(SemanticLayerScriptProvider.StreamCatalogSql([Pipeline.Connectors.Meta.MetaStreams.AdAccounts, Pipeline.Connectors.Meta.MetaStreams.Campaigns]), "dw.stream_catalog");
    }

    [Test]
    public void The_catalog_view_holds_every_KPI_with_the_DuckDB_columns()
    {
        var sql = KpiCatalogScriptProvider.Sql();
        foreach (var kpi in KpiCatalog.All)
        {
            Assert.That(sql, Does.Contain($"(N'{kpi.Id}', "), kpi.Id);
        }

        Assert.That(KpiCatalogRows.CatalogColumns.Select(c => c.Column), Is.EqualTo(new[]
        {
            "kpi_id", "name", "description", "stage", "formula", "unit", "better_when", "additivity", "indicator", "audiences", "cadence",
            "sources", "numerator", "denominator", "scale", "complement", "mart_view", "cost_scope",
        }));
        foreach (var (column, _) in KpiCatalogRows.CatalogColumns)
        {
            Assert.That(sql, Does.Contain($" AS {column}").And.Contain($"@column = N'{column}'"), column);
        }
    }

    [Test]
    public void Settings_carry_the_Windows_zone_name_after_the_DuckDB_columns()
    {
        var sql = SemanticLayerScriptProvider.SettingsSql(new ReportingSettings { Currency = "USD", TimeZone = "America/New_York", GrossMargin = 0.55m });

        var columns = new[] { "reporting_currency", "reporting_time_zone", "gross_margin", "expected_lifespan_months", "anomaly_window_days", "anomaly_threshold", "reporting_time_zone_windows" };
        var positions = columns.Select(c => sql.IndexOf($" AS {c}", StringComparison.Ordinal)).ToList();
        Assert.That(positions, Is.All.GreaterThan(0));
        Assert.That(positions, Is.Ordered, "DuckDB's columns in DuckDB's order, the Windows name last");
        Assert.That(sql, Does.Contain("N'Eastern Standard Time'").And.Contain("N'USD'").And.Contain("CAST(0.55 AS decimal(9, 4))"));
    }

    [TestCase("Europe/Berlin", "W. Europe Standard Time")]
    [TestCase("UTC", "UTC")]
    [TestCase("America/Los_Angeles", "Pacific Standard Time")]
    [TestCase("W. Europe Standard Time", "W. Europe Standard Time")]
    public void Reporting_zones_get_their_Windows_names(string zone, string windows) =>
        Assert.That(SemanticLayerScriptProvider.WindowsTimeZone(zone), Is.EqualTo(windows));

    [Test]
    public void An_unknown_reporting_zone_is_refused_when_the_engine_opens()
    {
        var ex = Assert.Throws<ArgumentException>(() => SqlServerWarehouse.Open(new SqlServerWarehouseOptions
        {
            ConnectionString = "Server=db;Database=wh;Integrated Security=true",
            Reporting = new ReportingSettings { TimeZone = "Mars/Olympus_Mons" },
        }));
        Assert.That(ex!.Message, Does.Contain("Reporting:TimeZone 'Mars/Olympus_Mons'"));
    }

    [Test]
    public void Formula_terms_are_the_catalog_terms()
    {
        var terms = KpiCatalogRows.FormulaTerms();
        Assert.That(terms, Does.Contain(new KpiFormulaTerm("cpc", "ad_spend", 1, 0)));
        Assert.That(terms, Does.Contain(new KpiFormulaTerm("cpc", "link_clicks", 0, 1)));
        Assert.That(terms, Does.Contain(new KpiFormulaTerm("roi", "ad_spend", -1, 1)), "cost is subtracted on top and summed below");
        Assert.That(terms.Select(t => t.KpiId).Distinct(), Does.Not.Contain("churn_rate"), "dedicated-view KPIs have no terms");
        var sql = SemanticLayerScriptProvider.FormulaTermsSql();
        Assert.That(sql.Split('\n').Count(l => l.StartsWith("(N'", StringComparison.Ordinal)), Is.EqualTo(terms.Count));
    }

    [Test]
    public void The_semantic_layer_runs_settings_then_terms_then_the_semantic_scripts_in_name_order_which_is_dependency_order()
    {
        var names = new SemanticLayerScriptProvider(new ReportingSettings()).GetScripts(null!).Select(s => s.Name).ToList();

        Assert.That(names.Take(4), Is.EqualTo(new[] { "semantic/0100_dw_settings", "semantic/0110_dw_kpi_formula_terms", "semantic/0120_dw_measure_sources", "semantic/0130_dw_stream_catalog" }));
        Assert.That(names.Skip(4), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
        var shipped = typeof(SqlServerWarehouse).Assembly.GetManifestResourceNames().Count(n => n.Contains(".Scripts.Semantic.", StringComparison.Ordinal));
        Assert.That(names, Has.Count.EqualTo(4 + shipped + Semantic.SemanticLayer.Shared().Count), "every embedded and every shared semantic script runs");
    }

    [Test]
    public void Set_description_is_a_procedure_with_the_agreed_parameters()
    {
        var script = Resource("Versioned.0001_layers_and_etl.sql");
        Assert.That(script, Does.Contain("CREATE OR ALTER PROCEDURE etl.set_description"));
        Assert.That(script, Does.Contain("@schema sysname").And.Contain("@object sysname").And.Contain("@column sysname = NULL").And.Contain("@text   nvarchar(4000)"));
    }

    [Test]
    public void The_BI_reader_role_reads_dw_and_mart_only()
    {
        var grants = Resource("Versioned.0003_security_roles.sql").Split('\n')
            .Where(l => l.StartsWith("GRANT", StringComparison.Ordinal) && l.Contains("TO pipeline_bi_reader", StringComparison.Ordinal))
            .Select(l => l.Trim()).ToList();

        Assert.That(grants, Is.EqualTo(new[] { "GRANT SELECT ON SCHEMA::dw TO pipeline_bi_reader;", "GRANT SELECT ON SCHEMA::mart TO pipeline_bi_reader;" }));
    }

    private static string Resource(string suffix)
    {
        var assembly = typeof(SqlServerWarehouse).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".Scripts." + suffix, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
