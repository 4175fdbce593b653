using System.Text.RegularExpressions;
using Pipeline.Warehouse.DuckDb;
using Pipeline.Warehouse.Marts;
using Pipeline.Warehouse.Semantic;

namespace Pipeline.Warehouse.Tests;

/// <summary>
/// The semantic layer's single sources: one view per file run in dependency order, descriptions from one docs file
/// per view, and the pivots and KPI evaluation expanded from placeholders through a dialect.
/// </summary>
public sealed class SemanticLayerTests
{
    /// <summary>A dialect whose output names each part, so the tests see what the expansion asked of it.</summary>
    private sealed class MarkedDialect : SemanticDialect
    {
        public override string CreateView => "MAKE VIEW";

        public override string EndOfDefinition => "-- end\n";

        public override string DescribeObject(string schema, string name, string text) => $"DESCRIBE {schema}.{name}: {text}";

        public override string DescribeColumn(string schema, string name, string column, string text) => $"DESCRIBE {schema}.{name}.{column}: {text}";

        public override string DescribeTable(string schema, string name, string text) => $"DESCRIBE TABLE {schema}.{name}: {text}";

        public override string MartTable(string name, MartTableAction action, string? order) => $"TABLE mart.{name} {action} ORDER {order}";

        public override string Pivot(string aggregate, string column, string keyColumn, string key) => $"PIVOT[{aggregate} {column} {keyColumn}={key}]";

        public override string Float => "FLOAT8";

        public override string AsFloat(string expression) => $"F({expression})";

        public override string IsTrue(string column) => $"TRUE({column})";

        public override string SegmentLabel(string column) => $"LABEL({column})";

        public override string RefreshFrom(int monthsBefore) => $"FROM_DAY(-{monthsBefore})";

        public override string RefreshFirstDay => "FIRST_DAY()";

        public override string ContextRefreshed => "CONTEXT_REFRESHED()";

        public override string ContextTable(string name, string columns) => $"CONTEXT_TABLE({name}: {columns})";

        public override string Flag(string condition) => $"FLAG[{condition}]";

        public override string IsFalse(string column) => $"FALSE({column})";

        public override string ReportingDate(string utcTimestamp) => $"DAY({utcTimestamp})";

        public override string Concat(IReadOnlyList<string> parts) => string.Join(" ++ ", parts);

        public override string AllTrue(string column) => $"EVERY({column})";

        public override string OrderedList(string column) => $"LIST({column})";

        public override string UrlParameter(string url, string name) => $"PARAM({url}, {name})";

        public override string ReasonList(string column) => $"REASONS({column})";

        public override string JoinReasonParts(string column) => $"SPLIT({column})";
    }

    [Test]
    public void Views_run_after_the_views_they_read_whatever_their_names()
    {
        var scripts = new[]
        {
            new SemanticScript("mart", "a_dashboard", "SELECT * FROM mart.z_values JOIN dw.dim_x ON true"),
            new SemanticScript("mart", "z_values", "SELECT * FROM dw.fact_b"),
            new SemanticScript("dw", "fact_b", "SELECT * FROM dw.dim_x -- not dw.zz_after: comments do not count"),
            new SemanticScript("dw", "dim_x", "SELECT 1 AS x"),
            new SemanticScript("dw", "zz_after", "SELECT 1 AS y"),
        };

        var order = SemanticLayer.Ordered(scripts).Select(s => s.Key).ToList();

        Assert.That(order, Is.EqualTo(new[] { "dw.dim_x", "dw.fact_b", "dw.zz_after", "mart.z_values", "mart.a_dashboard" }));
    }

    [Test]
    public void Views_reading_each_other_in_a_cycle_are_refused()
    {
        var scripts = new[] { new SemanticScript("dw", "a", "SELECT * FROM dw.b"), new SemanticScript("dw", "b", "SELECT * FROM dw.a") };

        Assert.That(() => SemanticLayer.Ordered(scripts), Throws.InvalidOperationException.With.Message.Contains("cycle"));
    }

    [Test]
    public void The_shipped_DuckDB_views_each_run_after_every_view_they_read()
    {
        var scripts = SemanticLayer.Load(typeof(DuckDbWarehouse).Assembly, "Pipeline.Warehouse.DuckDb.Scripts.Semantic.");
        var position = scripts.Select((s, i) => (s.Key, i)).ToDictionary(x => x.Key, x => x.i);

        Assert.That(scripts, Has.Count.GreaterThan(30));
        foreach (var (script, index) in scripts.Select((s, i) => (s, i)))
        {
            var code = Regex.Replace(script.Sql, "--[^\n]*", "");
            var read = Regex.Matches(code, @"\b(?:dw|mart)\.\w+\b").Select(m => m.Value).Where(k => k != script.Key && position.ContainsKey(k));
            Assert.That(read.Select(k => position[k]), Has.All.LessThan(index), script.Key);
        }
    }

    [Test]
    public void Pivots_expand_one_column_per_catalog_kpi_or_measure_through_the_dialect()
    {
        const string sql = "SELECT {{kpi_pivot: cpc, ctr.numerator AS link_clicks}},\n       {{measure_pivot(m): ad_spend AS spend}} FROM t";

        var expanded = SemanticTemplates.Expand(sql, new MarkedDialect(), "test.sql");

        Assert.That(expanded, Is.EqualTo(
            "SELECT PIVOT[max value kpi_id=cpc] AS cpc,\n       PIVOT[max numerator kpi_id=ctr] AS link_clicks,\n       PIVOT[sum m.value m.measure=ad_spend] AS spend FROM t"));
    }

    [Test]
    public void Segment_labels_are_normalised_by_the_dialect() =>
        Assert.That(SemanticTemplates.Expand("SELECT {{segment_label(country)}} AS country", new MarkedDialect(), "t"), Is.EqualTo("SELECT LABEL(country) AS country"));

    [Test]
    public void The_context_flag_expands_through_the_dialect() =>
        Assert.That(SemanticTemplates.Expand("FROM x WHERE {{context_refreshed}} UNION ALL FROM y WHERE NOT ({{context_refreshed}})", new MarkedDialect(), "t"),
            Is.EqualTo("FROM x WHERE CONTEXT_REFRESHED() UNION ALL FROM y WHERE NOT (CONTEXT_REFRESHED())"));

    [Test]
    public void The_refresh_first_day_expands_through_the_dialect() =>
        Assert.That(SemanticTemplates.Expand("WHERE period_end >= {{refresh_first_day}}", new MarkedDialect(), "t"), Is.EqualTo("WHERE period_end >= FIRST_DAY()"));

    [Test]
    public void The_refresh_range_bound_expands_with_its_months_and_rejects_anything_else()
    {
        Assert.That(SemanticTemplates.Expand("WHERE d >= {{refresh_from}} AND p >= {{refresh_from(13)}}", new MarkedDialect(), "t"), Is.EqualTo("WHERE d >= FROM_DAY(-0) AND p >= FROM_DAY(-13)"));
        Assert.That(() => SemanticTemplates.Expand("{{refresh_from(a year)}}", new MarkedDialect(), "mart.x"), Throws.InvalidOperationException.With.Message.Contains("'a year'"));
    }

    [Test]
    public void Small_differences_expand_with_nested_parentheses_intact() =>
        Assert.That(
            SemanticTemplates.Expand("SELECT CAST(x AS {{float}}), {{flag(k IN (SELECT id FROM t))}} AS known, {{reporting_date(r.sent)}} FROM t WHERE {{is_false(r.gone)}}", new MarkedDialect(), "t"),
            Is.EqualTo("SELECT CAST(x AS FLOAT8), FLAG[k IN (SELECT id FROM t)] AS known, DAY(r.sent) FROM t WHERE FALSE(r.gone)"));

    [Test]
    public void Strings_are_joined_by_the_dialect() =>
        Assert.That(SemanticTemplates.Expand("lower({{concat(t.source, ' / ', t.medium)}})", new MarkedDialect(), "t"), Is.EqualTo("lower(t.source ++ ' / ' ++ t.medium)"));

    [Test]
    public void A_boolean_aggregate_is_the_dialect_s() =>
        Assert.That(SemanticTemplates.Expand("SELECT {{all_true(period_complete)}} AS period_complete", new MarkedDialect(), "t"), Is.EqualTo("SELECT EVERY(period_complete) AS period_complete"));

    [Test]
    public void An_ordered_list_is_the_dialect_s() =>
        Assert.That(SemanticTemplates.Expand("SELECT {{ordered_list(p.platform)}} AS platforms", new MarkedDialect(), "t"), Is.EqualTo("SELECT LIST(p.platform) AS platforms"));

    [TestCase("{{concat(t.source)}}")]
    [TestCase("{{concat(t.source, )}}")]
    [TestCase("{{kpi_pivot: no_such_kpi}}")]
    [TestCase("{{measure_pivot: no_such_measure}}")]
    [TestCase("{{no_such_placeholder}}")]
    public void A_pivot_of_something_the_catalog_does_not_know_is_refused_with_the_file(string sql) =>
        Assert.That(() => SemanticTemplates.Expand(sql, new MarkedDialect(), "mart/x.sql"),
            Throws.InvalidOperationException.With.Message.StartsWith("mart/x.sql: "));

    [Test]
    public void The_KPI_evaluation_is_written_once_and_takes_the_dialect_and_an_optional_sum_condition()
    {
        var plain = SemanticTemplates.Expand("  {{kpi_value(u.numerator, u.denominator)}} AS v", new MarkedDialect(), "t");
        var shared = SemanticTemplates.Expand("{{kpi_value(r.numerator, r.denominator, k.denominator IS NULL AND r.kpi_id <> 'x')}}", new MarkedDialect(), "t");

        Assert.That(plain, Is.EqualTo(string.Join("\n",
            "  CAST(CASE",
            "      WHEN k.denominator IS NULL THEN F(u.numerator) * k.scale",
            "      WHEN TRUE(k.complement) THEN k.scale * (1 - F(u.numerator) / NULLIF(F(u.denominator), 0))",
            "      ELSE k.scale * F(u.numerator) / NULLIF(F(u.denominator), 0)",
            "  END AS FLOAT8) AS v")));
        Assert.That(shared, Does.Contain("WHEN k.denominator IS NULL AND r.kpi_id <> 'x' THEN F(r.numerator) * k.scale"));
    }

    [Test]
    public void A_view_is_rendered_with_the_descriptions_of_its_docs_file()
    {
        var docs = SemanticDocs.For("dw", "fact_deal");
        var rendered = SemanticLayer.Render(new SemanticScript("dw", "fact_deal", "CREATE OR REPLACE VIEW dw.fact_deal AS SELECT 1 AS deal_id;\n"), new MarkedDialect());

        Assert.That(docs.Description, Is.Not.Null);
        Assert.That(rendered, Does.StartWith("CREATE OR REPLACE VIEW dw.fact_deal AS SELECT 1 AS deal_id;\n-- end\n"));
        Assert.That(rendered, Does.Contain($"DESCRIBE dw.fact_deal: {docs.Description}"));
        Assert.That(docs.Columns.Select(c => $"DESCRIBE dw.fact_deal.{c.Column}: {c.Description}"), Has.All.Matches<string>(rendered.Contains));
    }

    [Test]
    public void A_shared_view_is_created_the_way_the_engine_creates_views()
    {
        var shared = SemanticLayer.Shared();
        var rendered = SemanticLayer.Render(shared[0], new MarkedDialect());

        Assert.That(shared.Select(s => s.Sql), Has.All.Match("(?m)^CREATE VIEW "), "shared views are written CREATE VIEW schema.name");
        Assert.That(rendered, Does.Contain($"MAKE VIEW {shared[0].Key} AS"));
        Assert.That(rendered, Does.Not.Contain("CREATE VIEW"));
    }

    [Test]
    public void A_view_without_a_docs_file_is_an_error()
    {
        Assert.That(() => SemanticDocs.For("dw", "no_such_view"), Throws.InvalidOperationException.With.Message.Contains("warehouse/Semantic/dw/no_such_view.json"));
    }

    [TestCase("""{"key": "period_start", "period": "quarter"}""", "period_start", "quarter", null)]
    [TestCase("""{"key": "period_start", "end": "period_end", "period": "quarter"}""", "period_start", "quarter", "period_end")]
    [TestCase("\"full\"", null, "all", null)]
    public void A_refresh_policy_reads_its_key_period_and_optional_end(string refresh, string? key, string period, string? end)
    {
        var policy = Refresh(refresh);
        Assert.That((policy.Key, policy.Period, policy.End), Is.EqualTo((key, period, end)));
    }

    [TestCase("""{"key": "period_start", "period": "quarter", "ends": "period_end"}""")]
    [TestCase("""{"key": "period_start", "period": "quarter", "end": ""}""")]
    [TestCase("""{"key": "period_start", "period": "quarter", "end": 3}""")]
    [TestCase("""{"key": "period_start", "period": "fortnight"}""")]
    [TestCase("""{"period": "quarter"}""")]
    public void A_refresh_policy_with_an_unknown_key_or_a_bad_value_is_an_error_naming_the_file(string refresh)
    {
        Assert.That(() => Refresh(refresh), Throws.InvalidOperationException.With.Message.StartsWith("warehouse/Semantic/mart/x.json: refresh must be"));
    }

    private static MartRefreshPolicy Refresh(string refresh)
    {
        using var json = new MemoryStream(System.Text.Encoding.UTF8.GetBytes($$"""{"refresh": {{refresh}}}"""));
        return SemanticDocs.Parse(json, "mart/x").Refresh!;
    }

    [Test]
    public void A_mart_with_a_refresh_policy_is_deployed_as_its_definition_then_its_table_which_gets_the_descriptions()
    {
        var script = new SemanticScript("mart", "kpi_measures", "CREATE VIEW mart.kpi_measures AS SELECT 1 AS x FROM mart.kpi_values");

        var sql = SemanticLayer.Render(script, new MarkedDialect(), MartTableAction.ReplaceTable);

        Assert.That(sql, Does.StartWith("MAKE VIEW mart_def.kpi_measures AS SELECT 1 AS x FROM mart.kpi_values"), "the definition reads the upstream mart table");
        var table = sql.IndexOf("TABLE mart.kpi_measures ReplaceTable ORDER period_end, period_start", StringComparison.Ordinal);
        Assert.That(table, Is.GreaterThan(sql.IndexOf("-- end", StringComparison.Ordinal)), "the table follows the definition's batch");
        Assert.That(sql.IndexOf("DESCRIBE TABLE mart.kpi_measures:", StringComparison.Ordinal), Is.GreaterThan(table));
        Assert.That(sql, Does.Not.Contain("DESCRIBE mart.kpi_measures:"), "the table, not a view, is described");
    }

    [Test]
    public void A_range_mart_is_written_in_its_periods_last_day_order_and_a_full_mart_in_none()
    {
        var values = new MartDefinition("kpi_values", Refresh("""{"key": "period_start", "end": "period_end", "period": "quarter"}"""), "h");
        Assert.That(values.Refresh.WriteOrder, Is.EqualTo("period_end, period_start"));
        Assert.That(Refresh("""{"key": "date", "period": "day"}""").WriteOrder, Is.EqualTo("date"));
        Assert.That(MartRefreshPolicy.Full.WriteOrder, Is.Null);
        Assert.That(MartRefreshStatements.Insert(values, new DateOnly(2026, 2, 16)), Does.EndWith(" ORDER BY period_end, period_start"));
        Assert.That(MartRefreshStatements.Insert(new MartDefinition("funnel_monthly", MartRefreshPolicy.Full, "h"), null), Does.Not.Contain("ORDER BY"));
    }

    [Test]
    public void Only_a_range_mart_that_names_its_periods_last_day_is_told_the_first_day()
    {
        var day = new DateOnly(2026, 2, 16);
        var values = new MartDefinition("kpi_values", Refresh("""{"key": "period_start", "end": "period_end", "period": "quarter"}"""), "h");
        var daily = new MartDefinition("kpi_measure_daily", Refresh("""{"key": "date", "period": "day"}"""), "h");
        Assert.That(MartRefreshStatements.FirstDayKept(values, day), Is.EqualTo(day), "its periods ending before the day are kept");
        Assert.That(MartRefreshStatements.FirstDayKept(values, null), Is.Null, "a whole recompute writes every period");
        Assert.That(MartRefreshStatements.FirstDayKept(daily, day), Is.Null, "without an end every row from the key's start is written");
        Assert.That(MartRefreshStatements.FirstDayKept(new MartDefinition("funnel_monthly", MartRefreshPolicy.Full, "h"), day), Is.Null);
    }

    [Test]
    public void A_dw_view_and_a_table_function_stay_what_they_are()
    {
        Assert.That(MartLayer.IsMaterialized(new SemanticScript("dw", "fact_deal", "")), Is.False);
        Assert.That(MartLayer.IsMaterialized(new SemanticScript("mart", "kpi_over_range", "")), Is.False);
        Assert.That(MartLayer.IsMaterialized(new SemanticScript("mart", "kpi_values", "")), Is.True);
    }

    [Test]
    public void A_mart_hash_changes_with_anything_it_reads_and_only_then()
    {
        var values = new SemanticScript("mart", "kpi_values", "CREATE VIEW mart.kpi_values AS SELECT * FROM dw.kpi_measure_daily");
        var measures = new SemanticScript("mart", "kpi_measures", "CREATE VIEW mart.kpi_measures AS SELECT * FROM dw.kpi_measure_daily");
        var trends = new SemanticScript("mart", "kpi_trends", "CREATE VIEW mart.kpi_trends AS SELECT * FROM mart.kpi_values");
        IReadOnlyList<SemanticScript> ordered = [values, measures, trends];
        Dictionary<string, string> Rendered(string daily) => new(StringComparer.OrdinalIgnoreCase)
        {
            ["dw.kpi_measure_daily"] = daily, [values.Key] = values.Sql, [measures.Key] = measures.Sql, [trends.Key] = trends.Sql,
        };

        var before = MartLayer.Definitions(ordered, Rendered("SELECT 1")).ToDictionary(m => m.Name, m => m.Hash);
        var same = MartLayer.Definitions(ordered, Rendered("SELECT 1")).ToDictionary(m => m.Name, m => m.Hash);
        var after = MartLayer.Definitions(ordered, Rendered("SELECT 2")).ToDictionary(m => m.Name, m => m.Hash);

        Assert.That(same, Is.EqualTo(before));
        Assert.That(after["kpi_values"], Is.Not.EqualTo(before["kpi_values"]));
        Assert.That(after["kpi_trends"], Is.Not.EqualTo(before["kpi_trends"]), "a dependent of a changed mart is rebuilt too");
        Assert.That(MartLayer.Definitions(ordered, Rendered("SELECT 1")).Select(m => m.Name), Is.EqualTo(new[] { "kpi_values", "kpi_measures", "kpi_trends" }));
    }

    [Test]
    public void Scripts_that_read_each_other_in_a_loop_are_refused_not_hashed_with_the_loop_left_out()
    {
        var values = new SemanticScript("mart", "kpi_values", "CREATE VIEW mart.kpi_values AS SELECT * FROM dw.generated");
        var rendered = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [values.Key] = values.Sql, ["dw.generated"] = "CREATE VIEW dw.generated AS SELECT * FROM mart.kpi_values",
        };

        Assert.That(() => MartLayer.Definitions([values], rendered),
            Throws.InvalidOperationException.With.Message.Contains("mart.kpi_values -> dw.generated -> mart.kpi_values"));
    }

    [Test]
    public void A_change_to_any_mart_of_the_DuckDB_layer_rehashes_every_mart_that_reads_it()
    {
        // The real layer: the KPI catalog names mart.kpi_values and mart.kpi_trends as data, which once made a loop
        // and left mart.kpi_trends' hash blind to mart.kpi_values (a deploy kept it stale).
        var layer = new SemanticLayerScriptProvider(new ReportingSettings { Currency = "EUR", TimeZone = "Europe/Berlin" });
        var before = layer.Marts.ToDictionary(m => m.Table, m => m.Hash);
        foreach (var changed in before.Keys)
        {
            var rendered = new Dictionary<string, string>(layer.Rendered, StringComparer.OrdinalIgnoreCase) { [changed] = layer.Rendered[changed] + "\n-- changed" };
            var after = MartLayer.Definitions(layer.Scripts, rendered).ToDictionary(m => m.Table, m => m.Hash);
            var readers = before.Keys.Where(m => m != changed && Names(layer.Rendered[m], changed)).ToList();

            Assert.That(after[changed], Is.Not.EqualTo(before[changed]), changed);
            Assert.That(readers.Where(r => after[r] == before[r]), Is.Empty, () => $"marts reading {changed} kept their hash");
        }

        var trendsChanged = new Dictionary<string, string>(layer.Rendered, StringComparer.OrdinalIgnoreCase) { ["mart.kpi_trends"] = layer.Rendered["mart.kpi_trends"] + "\n-- changed" };
        Assert.That(MartLayer.Definitions(layer.Scripts, trendsChanged).Single(m => m.Table == "mart.kpi_values").Hash, Is.EqualTo(before["mart.kpi_values"]),
            "the catalog naming mart.kpi_trends does not make mart.kpi_values read it");
    }

    [Test]
    public void The_report_spellings_by_day_are_the_mart_the_context_reads_and_come_before_it()
    {
        var marts = new SemanticLayerScriptProvider(new ReportingSettings { Currency = "EUR", TimeZone = "Europe/Berlin" }).Marts.ToList();
        Assert.That(marts.Where(m => m.FeedsContext).Select(m => m.Table), Is.EqualTo(new[] { "mart.kpi_context_daily" }));
        Assert.That(marts.FindIndex(m => m.Table == "mart.kpi_context_daily"), Is.LessThan(marts.FindIndex(m => m.Table == "mart.kpi_measure_context")),
            "dependency order: a rebuild recomputes it before the context reads it");
        Assert.That(marts.Single(m => m.FeedsContext).ReadsClock, Is.False, "only report windows change its rows");
    }

    /// <summary>Whether a definition names the table outside comments.</summary>
    private static bool Names(string sql, string table) =>
        Regex.IsMatch(Regex.Replace(sql, "--[^\n]*", ""), $@"\b{Regex.Escape(table)}\b", RegexOptions.IgnoreCase);

    [TestCase("2026-11-18", "day", "2026-11-18")]
    [TestCase("2026-11-18", "week", "2026-11-16")]
    [TestCase("2026-11-18", "month", "2026-11-01")]
    [TestCase("2026-11-18", "quarter", "2026-10-01")]
    [TestCase("2026-02-18", "year", "2026-01-01")]
    [TestCase("2026-10-01", "quarter", "2026-09-28")]
    [TestCase("2026-11-01", "month", "2026-10-26")]
    [TestCase("2027-01-01", "year", "2026-12-28")]
    public void A_range_refresh_starts_at_the_widest_period_or_the_iso_week_holding_the_first_affected_day(string day, string period, string start) =>
        Assert.That(MartPeriods.Start(DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture), period),
            Is.EqualTo(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture)));
}
