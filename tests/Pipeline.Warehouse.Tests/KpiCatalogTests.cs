using Pipeline.Warehouse.Kpi;

namespace Pipeline.Warehouse.Tests;

public sealed class KpiCatalogTests : WarehouseTestBase
{
    /// <summary>Every KPI the product brief (shared/docs/kpi-definitions.md) lists, by name.</summary>
    private static readonly string[] BriefNames =
    [
        "Sessions", "Users", "New users", "Impressions", "Reach", "Frequency", "Sessions by channel share", "List growth",
        "CTR", "CPC", "CPM", "Engagement rate (web)", "Bounce rate (web)", "Pages per session", "Average session duration",
        "Email open rate", "Email click rate", "Click-to-open rate", "Unsubscribe rate", "Email bounce rate",
        "Leads", "MQLs", "SQLs", "Conversion rate (web)", "Ad conversion rate", "CPL", "CPA / CPO", "New customers", "CAC",
        "Revenue", "AOV", "ROAS", "ROI", "ROMI", "Lead-to-customer rate", "Win rate", "Sales cycle", "Deals per period",
        "Sales growth", "Repeat purchase rate", "Retention rate", "Churn rate", "LTV (historic)", "LTV (formula)", "LTV:CAC", "NPS",
    ];

    /// <summary>KPIs beyond the brief, each with the issue that asked for it.</summary>
    private static readonly string[] AddedNames =
    [
        "Email open rate (human)", // opens without Apple Mail Privacy Protection machine opens (real-world fidelity)
        "ROI (paid)", "ROAS (paid)", "CAC (paid)", "CPL (paid)", "ROAS (platform)", // explicit cost scope (issue 19)
    ];

    [Test]
    public void The_catalog_holds_every_kpi_of_the_brief_once()
    {
        Assert.That(KpiCatalog.All.Select(k => k.Name), Is.EquivalentTo(BriefNames.Concat(AddedNames)));
        Assert.That(KpiCatalog.All.Select(k => k.Id), Is.Unique);
        Assert.That(KpiCatalog.All.Select(k => k.Id), Has.All.Match("^[a-z][a-z0-9_]*$"));
    }

    [Test]
    public void Sums_and_ratios_are_built_only_from_known_base_measures_and_ratios_never_from_averages()
    {
        foreach (var kpi in KpiCatalog.All)
        {
            var measures = (kpi.Numerator?.Measures ?? []).Concat(kpi.Denominator?.Measures ?? []).Distinct().ToList();
            Assert.That(measures, Is.SubsetOf(KpiCatalog.BaseMeasures.Keys), kpi.Id);
            switch (kpi.Additivity)
            {
                case Additivity.RatioOfSums:
                    Assert.That((kpi.Numerator is not null, kpi.Denominator is not null), Is.EqualTo((true, true)), $"{kpi.Id}: a ratio needs both sides");
                    break;
                case Additivity.Additive:
                    Assert.That((kpi.Numerator is not null, kpi.Denominator is null), Is.EqualTo((true, true)), $"{kpi.Id}: a sum has only a numerator");
                    break;
                case Additivity.DedicatedView:
                    Assert.That(kpi.Numerator, Is.Null, $"{kpi.Id}: computed by its own view");
                    break;
                case Additivity.NonAdditive:
                    Assert.That(measures, Has.Some.AnyOf("total_users", "new_users", "reach"), $"{kpi.Id}: non-additive because of a distinct count");
                    break;
            }
        }
    }

    [Test]
    public void Kpis_that_use_distinct_counts_are_never_marked_summable()
    {
        string[] distinct = ["total_users", "new_users", "reach"];
        var usingThem = KpiCatalog.All.Where(k => (k.Numerator?.Measures ?? []).Concat(k.Denominator?.Measures ?? []).Any(distinct.Contains));

        Assert.That(usingThem.Select(k => k.Additivity), Has.All.EqualTo(Additivity.NonAdditive));
        Assert.That(usingThem.Select(k => k.Id), Is.EquivalentTo(new[] { "users", "new_users", "reach", "frequency" }));
    }

    [Test]
    public async Task Migrate_publishes_the_catalog_as_a_documented_mart_view()
    {
        await using var warehouse = await OpenMigratedAsync();

        var rows = await QueryAsync<(string Id, string Formula, string Additivity, string? Numerator, string? Denominator, decimal Scale, bool Complement)>(
            "SELECT kpi_id, formula, additivity, numerator, denominator, scale, complement FROM mart.kpi_catalog");
        Assert.That(rows.Select(r => r.Id), Is.EquivalentTo(KpiCatalog.All.Select(k => k.Id)));
        var cpm = rows.Single(r => r.Id == "cpm");
        Assert.That((cpm.Numerator, cpm.Denominator, cpm.Scale, cpm.Additivity), Is.EqualTo(("Σ ad_spend", "Σ impressions", 1000m, "RatioOfSums")));
        var open = rows.Single(r => r.Id == "email_open_rate");
        Assert.That(open.Denominator, Is.EqualTo("Σ emails_sent − Σ hard_bounces − Σ soft_bounces"));
        Assert.That(rows.Single(r => r.Id == "bounce_rate").Complement, Is.True);
        Assert.That(await ScalarAsync<string>("SELECT comment FROM duckdb_views() WHERE schema_name = 'mart' AND view_name = 'kpi_catalog'"), Does.Contain("Every KPI"));
        Assert.That(await ScalarAsync<long>("SELECT count(*) FROM duckdb_columns() WHERE schema_name = 'mart' AND table_name = 'kpi_catalog' AND comment IS NULL"), Is.Zero,
            "every column of the view is described");
    }

    [TestCase("roi", "roi_paid")]
    [TestCase("roas", "roas_paid")]
    [TestCase("cac", "cac_paid")]
    [TestCase("cpl", "cpl_paid")]
    public void Each_cost_kpi_comes_blended_over_all_marketing_cost_and_paid_over_the_costed_channels(string blended, string paid)
    {
        var (b, p) = (KpiCatalog.Get(blended), KpiCatalog.Get(paid));
        var allCost = new[] { "ad_spend", "other_marketing_cost" };
        var costSide = blended is "cac" or "cpl" ? (b.Numerator!, p.Numerator!) : (b.Denominator!, p.Denominator!);
        Assert.Multiple(() =>
        {
            Assert.That((b.CostScope, p.CostScope), Is.EqualTo((CostScope.Blended, CostScope.Paid)));
            Assert.That(costSide.Item1.Measures, Is.EquivalentTo(allCost), blended + ": all marketing cost");
            Assert.That(costSide.Item2.Measures, Is.EquivalentTo(allCost), paid + ": the same cost");
            var revenueSide = blended is "cac" or "cpl" ? p.Denominator! : p.Numerator!;
            Assert.That(revenueSide.Measures.Where(m => !allCost.Contains(m)), Has.All.EndsWith("_costed"), paid + ": only what channels with a cost source bring");
        });
        Assert.That(KpiCatalog.Get("roas_platform").Numerator!.Measures, Is.EqualTo(new[] { "ad_conversion_value" }), "the platforms' claimed value is its own KPI");
    }

    [Test]
    public void Every_base_measure_names_the_streams_it_is_read_from()
    {
        var sources = KpiMeasureSources.All();
        Assert.That(KpiCatalog.BaseMeasures.Keys.Except(sources.Select(s => s.Measure)), Is.Empty, "a measure without a stream could never be judged covered");
        Assert.That(sources.Select(s => s.Measure).Except(KpiCatalog.BaseMeasures.Keys), Is.Empty, "no stream for an unknown measure");
        Assert.That(sources.Where(s => s.IsMoney).Select(s => s.Measure).Distinct(), Is.EquivalentTo(KpiMeasureSources.Money));
    }
}
