using Microsoft.SqlServer.TransactSql.ScriptDom;
using Pipeline.Warehouse;
using Pipeline.Warehouse.Marts;
using Pipeline.Warehouse.SqlServer;

namespace Pipeline.SqlServer.Scripts.Tests;

/// <summary>
/// What the mart refresh runs on SQL Server (<see cref="MartRefreshStatements"/> with the engine's fingerprint and
/// timestamp SQL, for every mart and its refresh policy) and what a deploy does with a mart table in each case
/// (create, replace the old view, replace a changed table) parse as T-SQL 160, one statement each.
/// </summary>
public sealed class MartRefreshParseTests
{
    private static IReadOnlyList<MartDefinition> Marts => new SemanticLayerScriptProvider(new ReportingSettings()).Marts;

    private static IEnumerable<TestCaseData> RefreshStatements() =>
        MartRefreshStatements.Sample(SqlServerMartRefreshSql.Instance, Marts, new DateOnly(2026, 11, 18))
            .Select((sql, i) => new TestCaseData(sql).SetArgDisplayNames($"{i:D3} {sql[..Math.Min(60, sql.Length)].ReplaceLineEndings(" ")}"));

    [TestCaseSource(nameof(RefreshStatements))]
    public void Each_refresh_statement_parses_as_one_TSql160_statement(string sql)
    {
        var statements = Parse(sql);

        Assert.That(statements, Has.Count.EqualTo(1), sql);
    }

    [TestCase(MartTableAction.Create)]
    [TestCase(MartTableAction.ReplaceView)]
    [TestCase(MartTableAction.ReplaceTable)]
    public void Each_deploy_of_a_mart_table_parses_and_ends_with_a_clustered_columnstore_index(MartTableAction action)
    {
        var sql = SqlServerSemanticDialect.Instance.MartTable("kpi_values", action, "period_end, period_start");

        var statements = Parse(sql);

        Assert.That(statements[^1], Is.InstanceOf<CreateColumnStoreIndexStatement>(), sql);
        Assert.That(statements.OfType<DropTableStatement>().Any(), Is.EqualTo(action == MartTableAction.ReplaceTable));
        Assert.That(statements.OfType<DropViewStatement>().Any(), Is.EqualTo(action == MartTableAction.ReplaceView));
    }

    [Test]
    public void A_kept_mart_table_is_left_alone() =>
        Assert.That(SqlServerSemanticDialect.Instance.MartTable("kpi_values", MartTableAction.Keep, "period_end, period_start"), Is.Empty);

    [Test]
    public void The_daily_measures_are_refreshed_by_day_after_their_context_and_before_the_KPI_marts()
    {
        var names = Marts.Select(m => m.Name).ToList();
        var daily = Marts.Single(m => m.Name == "kpi_measure_daily");
        var context = Marts.Single(m => m.Name == "kpi_measure_context");

        Assert.That((daily.Refresh.Key, daily.Refresh.Period), Is.EqualTo(("date", "day")), "a day's measures depend on that day and the context only");
        Assert.That(context.Refresh.IsContext, Is.True, "what spans the whole history is compared before and after each refresh");
        Assert.That((daily.ReadsMarts, context.ReadsMarts), Is.EqualTo((false, false)), "both read dw only");
        Assert.That(Marts.Where(m => m.Name is "kpi_measures" or "kpi_values" or "kpi_target_progress").Select(m => m.ReadsMarts), Is.All.True);
        Assert.That(names.IndexOf("kpi_measure_daily"), Is.LessThan(names.IndexOf("kpi_measures")).And.LessThan(names.IndexOf("kpi_values")));
    }

    [Test]
    public void Only_marts_that_read_the_clock_or_the_run_log_are_refreshed_from_the_clock_horizon()
    {
        var clocked = Marts.Where(m => m.ReadsClock).Select(m => m.Name).ToList();

        Assert.That(clocked, Does.Contain("kpi_values").And.Contain("kpi_trends").And.Contain("kpi_target_progress"), "coverage and status read now() and the run log");
        Assert.That(clocked, Does.Not.Contain("kpi_measure_daily").And.Not.Contain("kpi_measures"), "sums of loaded data: they change only where data changed");
    }

    [Test]
    public void Every_materialized_mart_declares_a_refresh_and_range_ones_a_key()
    {
        Assert.That(Marts.Select(m => m.Name), Is.SupersetOf(new[] { "kpi_values", "kpi_measures", "dashboard_executive", "dashboard_marketing", "dashboard_specialist" }));
        Assert.That(Marts.Where(m => !m.Refresh.IsFull).Select(m => m.Refresh.Key), Has.None.Null);
    }

    private static List<TSqlStatement> Parse(string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        var fragment = parser.Parse(reader, out var errors);
        Assert.That(errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}"), Is.Empty, sql);
        return [.. ((TSqlScript)fragment).Batches.SelectMany(b => b.Statements)];
    }
}
