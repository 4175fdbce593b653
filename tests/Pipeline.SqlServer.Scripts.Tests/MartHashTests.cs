using Pipeline.Warehouse;
using Pipeline.Warehouse.Marts;
using Pipeline.Warehouse.SqlServer;

namespace Pipeline.SqlServer.Scripts.Tests;

/// <summary>A deploy rebuilds a SQL Server mart table when anything its definition reads changed (the hash says so).</summary>
public sealed class MartHashTests
{
    [Test]
    public void A_change_to_mart_kpi_values_rehashes_the_marts_that_read_it()
    {
        var layer = new SemanticLayerScriptProvider(new ReportingSettings { Currency = "EUR", TimeZone = "Europe/Berlin" });
        var before = layer.Marts.ToDictionary(m => m.Table, m => m.Hash);
        var rendered = new Dictionary<string, string>(layer.Rendered, StringComparer.OrdinalIgnoreCase) { ["mart.kpi_values"] = layer.Rendered["mart.kpi_values"] + "\n-- changed" };
        var after = MartLayer.Definitions(layer.Scripts, rendered).ToDictionary(m => m.Table, m => m.Hash);

        string[] readers = ["mart.kpi_values", "mart.kpi_trends", "mart.dashboard_executive", "mart.funnel_monthly", "mart.kpi_anomalies"];
        Assert.That(readers.Where(m => after[m] == before[m]), Is.Empty, "marts reading mart.kpi_values (and itself) kept their hash");
        Assert.That(after["mart.kpi_measure_daily"], Is.EqualTo(before["mart.kpi_measure_daily"]), "a mart kpi_values does not feed keeps its hash");
    }

    [Test]
    public void The_context_reads_the_report_spellings_by_day_from_their_table_only_while_the_refresh_has_it_current()
    {
        // Dependency order and the flag's meaning are shared with DuckDB (tests/Pipeline.Warehouse.Tests); what is
        // SQL Server's own is the rendering, from which the marts' dependencies are read.
        var layer = new SemanticLayerScriptProvider(new ReportingSettings { Currency = "EUR", TimeZone = "Europe/Berlin" });
        Assert.That(layer.Marts.Single(m => m.FeedsContext).Table, Is.EqualTo("mart.kpi_context_daily"));
        Assert.That(layer.Rendered["dw.kpi_measure_context"], Does.Contain("FROM mart.kpi_context_daily WHERE COALESCE(CAST(SESSION_CONTEXT(N'mart_context_refreshed')")
            .And.Contain("FROM dw.kpi_context_daily WHERE NOT (COALESCE(CAST(SESSION_CONTEXT(N'mart_context_refreshed')"));
    }
}
