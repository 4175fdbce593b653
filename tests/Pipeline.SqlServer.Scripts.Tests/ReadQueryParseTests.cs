using System.Text.RegularExpressions;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Pipeline.Warehouse;
using Pipeline.Warehouse.DuckDb;
using Pipeline.Warehouse.SqlServer;

namespace Pipeline.SqlServer.Scripts.Tests;

/// <summary>
/// The read queries of <c>pipeline kpi</c>, <c>report</c> and the anomaly check are written once
/// (<see cref="MartQueries"/>); rendered for SQL Server each must be a single T-SQL 160 SELECT. DuckDB runs the same
/// texts in Pipeline.Cli.Tests.
/// </summary>
public sealed class ReadQueryParseTests
{
    private static IEnumerable<TestCaseData> SqlServerQueries() =>
        MartQueries.Examples(SqlServerDialect.Instance).Select(e => new TestCaseData(e.Sql, e.Parameters.Keys.ToList()).SetArgDisplayNames(e.Name));

    [TestCaseSource(nameof(SqlServerQueries))]
    public void Each_read_query_parses_as_one_TSql160_select(string sql, IReadOnlyList<string> parameters)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        var fragment = parser.Parse(reader, out var errors);

        Assert.That(errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}"), Is.Empty, sql);
        var statements = ((TSqlScript)fragment).Batches.SelectMany(b => b.Statements).ToList();
        Assert.That(statements, Has.Count.EqualTo(1).And.All.InstanceOf<SelectStatement>(), "a read query reads, in one statement");
        Assert.That(sql, Does.Not.Contain("$"), "DuckDB's parameter syntax");
        // SQL Server refuses a query naming a variable nobody passed ("Must declare the scalar variable").
        var named = Regex.Matches(sql, @"@(\w+)").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.That(named.Except(parameters), Is.Empty, "every parameter the query names is passed");
    }

    [Test]
    public void The_two_dialects_render_the_same_text_but_for_parameters_booleans_and_catalog_lookups()
    {
        var duck = MartQueries.Examples(DuckDbDialect.Instance);
        var sql = MartQueries.Examples(SqlServerDialect.Instance);

        Assert.That(sql.Select(e => e.Name), Is.EqualTo(duck.Select(e => e.Name)));
        var same = duck.Zip(sql).Count(p => p.First.Sql.Replace("$", "@", StringComparison.Ordinal) == p.Second.Sql);
        var differing = duck.Zip(sql).Where(p => p.First.Sql.Replace("$", "@", StringComparison.Ordinal) != p.Second.Sql).Select(p => p.First.Name).ToList();
        Assert.That(differing, Is.EquivalentTo(new[] { nameof(MartQueries.CountMartObjects), "MonthlyKpis mart.dashboard_executive", "MonthlyKpis mart.funnel_monthly" }),
            $"{same} of {duck.Count} queries are one text with another parameter sign");
    }
}
