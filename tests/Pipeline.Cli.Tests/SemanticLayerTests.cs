using Dapper;
using DuckDB.NET.Data;

namespace Pipeline.Cli.Tests;

/// <summary>What BI users see of the star schema and the marts after `pipeline migrate`.</summary>
public sealed class SemanticLayerTests : CliTestBase
{
    /// <summary>Views and tables with their descriptions.</summary>
    private const string Objects =
        "(SELECT schema_name, view_name AS name, comment FROM duckdb_views() UNION ALL SELECT schema_name, table_name, comment FROM duckdb_tables())";

    [Test]
    public async Task Every_dw_and_mart_view_and_column_has_a_description_after_every_migrate()
    {
        for (var deploy = 1; deploy <= 2; deploy++)
        {
            var result = await RunWithConfigAsync("migrate");
            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);

            using var connection = new DuckDBConnection($"Data Source={WarehousePath}");
            connection.Open();
            // dw holds views, mart holds tables (their definitions are views in mart_def): what BI users read is both.
            var views = connection.Query<string>($"SELECT schema_name || '.' || name FROM {Objects} WHERE schema_name IN ('dw', 'mart')").ToList();
            Assert.That(views, Has.Count.GreaterThan(30), "the star schema and marts are deployed");
            Assert.That(views, Is.SupersetOf(new[]
            {
                "dw.dim_date", "dw.dim_channel", "dw.dim_campaign", "dw.dim_account", "dw.dim_customer", "dw.dim_geo", "dw.dim_device",
                "dw.fact_web_sessions_daily", "dw.fact_web_users_daily", "dw.fact_ad_performance_daily", "dw.fact_ad_reach",
                "dw.fact_email_campaign", "dw.fact_email_list_daily", "dw.fact_lead", "dw.fact_deal", "dw.fact_marketing_cost",
                "dw.fact_nps_response", "dw.kpi_target", "mart.kpi_catalog", "mart.kpi_values", "mart.kpi_trends",
                "mart.kpi_target_progress", "mart.kpi_anomalies", "mart.dashboard_executive", "mart.dashboard_marketing",
                "mart.dashboard_specialist", "mart.funnel_monthly", "mart.customer_cohorts", "mart.customer_retention",
            }));

            var undescribedViews = connection.Query<string>(
                $"SELECT schema_name || '.' || name FROM {Objects} WHERE schema_name IN ('dw', 'mart') AND (comment IS NULL OR comment = '')").ToList();
            var undescribedColumns = connection.Query<string>(
                "SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns() WHERE schema_name IN ('dw', 'mart') AND (comment IS NULL OR comment = '')").ToList();
            Assert.That(undescribedViews, Is.Empty, $"deploy {deploy}");
            Assert.That(undescribedColumns, Is.Empty, $"deploy {deploy}");
        }
    }

    [Test]
    public async Task Every_catalog_kpi_names_the_mart_view_that_publishes_it_and_that_view_exists()
    {
        Assert.That((await RunWithConfigAsync("migrate")).ExitCode, Is.EqualTo(ExitCodes.Ok));

        using var connection = new DuckDBConnection($"Data Source={WarehousePath}");
        connection.Open();
        var views = connection.Query<string>($"SELECT schema_name || '.' || name FROM {Objects} WHERE schema_name = 'mart'").ToHashSet();
        var catalog = connection.Query<(string Id, string View)>("SELECT kpi_id, mart_view FROM mart.kpi_catalog").ToList();

        Assert.That(catalog.Select(k => k.Id), Is.EquivalentTo(Warehouse.Kpi.KpiCatalog.All.Select(k => k.Id)));
        Assert.That(catalog.Where(k => !views.Contains(k.View)).Select(k => $"{k.Id} → {k.View}"), Is.Empty);
    }
}
