using DuckDB.NET.Data;
using static Pipeline.Marts.Tests.MartsFixture;

namespace Pipeline.Marts.Tests;

/// <summary>
/// The LTVs of mart.dashboard_executive and mart.customer_cohorts against the world's won deals: the formula LTV only
/// with enough CRM history, and LTV:CAC of a cohort against that cohort's own acquisition cost.
/// </summary>
public sealed class LtvTests
{
    private const int MinHistoryMonths = 6; // ReportingSettings.MinLtvHistoryMonths default, which the fixture keeps
    private const int LifespanMonths = 36;  // ReportingSettings.ExpectedLifespanMonths default

    [Test]
    public void Ltv_formula_is_null_with_a_reason_while_the_crm_history_is_short()
    {
        var closedMonths = ClosedMonths();
        var rows = Query("SELECT grain, period_start, period_end, channel, ltv_formula, ltv_formula_note FROM mart.dashboard_executive");
        var shortRows = 0;
        Assert.Multiple(() =>
        {
            foreach (var r in rows)
            {
                var history = closedMonths.Count(m => m <= Date(r[2]));
                if (history >= MinHistoryMonths)
                {
                    continue;
                }

                shortRows++;
                var what = $"{r[0]} {Date(r[1]):yyyy-MM-dd} {r[3]}";
                Assert.That(r[4], Is.Null, $"{what}: {history} months of history give no formula LTV");
                Assert.That(r[5], Does.Contain($"{history} of {MinHistoryMonths} months"), $"{what}: the note says why");
            }
        });
        Assert.That(shortRows, Is.GreaterThan(0), "the test world's CRM history is shorter than the setting");
    }

    /// <summary>With the setting lowered to one month (inside a rolled-back transaction) every All row has the estimate.</summary>
    [Test]
    public void Ltv_formula_with_enough_history_is_aov_times_purchase_frequency_times_lifespan()
    {
        var deals = Reference.Customers.SelectMany(c => c.Value.Select(d => (Customer: c.Key, d.Closed, d.Revenue))).ToList();
        var firstCreatedMonth = Month(SandboxWorld.Truth.HubSpotDealFacts().Where(d => !d.Archived).Min(d => ReferenceKpis.LocalDate(d.CreateDate)));
        using var transaction = Connection.BeginTransaction();
        Execute(transaction, "CREATE TABLE main.ltv_test_settings AS SELECT * FROM dw.settings");
        Execute(transaction, "CREATE OR REPLACE VIEW dw.settings AS SELECT * REPLACE (CAST(1 AS INTEGER) AS min_ltv_history_months) FROM main.ltv_test_settings");
        // The definition (mart_def) reads the setting live; the table would get its rows at the next rebuild.
        var rows = QueryIn(transaction, "SELECT grain, period_start, period_end, ltv_formula, ltv_formula_note FROM mart_def.dashboard_executive WHERE is_total");
        transaction.Rollback();

        Assert.That(rows, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var r in rows)
            {
                var end = Date(r[2]);
                var window = deals.Where(d => d.Closed > end.AddMonths(-12) && d.Closed <= end).ToList();
                var months = Math.Min(12, MonthsBetween(firstCreatedMonth, Month(end)) + 1);
                double? expected = window.Count == 0 ? null
                    : (double)(window.Sum(d => d.Revenue) / window.Count) * window.Count / window.Select(d => d.Customer).Distinct().Count() / months * LifespanMonths;
                Assert.That(Compare.Close(expected, Dbl(r[3])), Is.True, $"{r[0]} {Date(r[1]):yyyy-MM-dd}: expected {expected} got {Dbl(r[3])}");
                Assert.That(r[4], expected is null ? Is.Not.Null : Is.Null, $"{r[0]} {Date(r[1]):yyyy-MM-dd}: note only without a value");
            }
        });
    }

    [TestCase("month")]
    [TestCase("quarter")]
    public void Ltv_to_cac_pairs_the_cohort_acquired_in_the_period_with_that_periods_cost(string grain)
    {
        var rows = Query(
            "SELECT period_start, period_end, cohort_customers, cohort_ltv, cohort_cac, ltv_to_cac FROM mart.dashboard_executive WHERE is_total AND grain = $grain",
            ("grain", grain));
        var measures = Reference.Measures(grain);
        var paired = 0;
        Assert.That(rows, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var r in rows)
            {
                var (start, end) = (Date(r[0]), Date(r[1]));
                var cohort = Reference.Customers.Values.Where(deals => deals[0].Closed >= start && deals[0].Closed <= end).ToList();
                var revenue = cohort.Sum(deals => deals.Sum(d => d.Revenue));
                var cost = Cost(measures.GetValueOrDefault((start, "all", ReferenceKpis.All)));
                double? ltv = cohort.Count == 0 ? null : (double)(revenue / cohort.Count);
                double? cac = cohort.Count == 0 || cost is null ? null : (double)(cost.Value / cohort.Count);
                double? ratio = cohort.Count == 0 || cost is null or 0 ? null : (double)(revenue / cost.Value);
                paired += ratio is null ? 0 : 1;
                var what = $"{grain} {start:yyyy-MM-dd}";
                Assert.That(Dbl(r[2]), Is.EqualTo(cohort.Count), $"{what}: cohort customers");
                Assert.That(Compare.Close(ltv, Dbl(r[3])), Is.True, $"{what}: cohort LTV expected {ltv} got {Dbl(r[3])}");
                Assert.That(Compare.Close(cac, Dbl(r[4])), Is.True, $"{what}: cohort CAC expected {cac} got {Dbl(r[4])}");
                Assert.That(Compare.Close(ratio, Dbl(r[5])), Is.True, $"{what}: LTV:CAC expected {ratio} got {Dbl(r[5])}");
            }
        });
        Assert.That(paired, Is.GreaterThan(0), "some period has both customers and cost");
    }

    /// <summary>Ad spend + other marketing cost of a reference period, NULL when neither has a known fact.</summary>
    internal static decimal? Cost(MeasureBag? bag) =>
        bag is null || !(bag.Known("ad_spend") || bag.Known("other_marketing_cost")) ? null : bag["ad_spend"] + bag["other_marketing_cost"];

    /// <summary>Months in which a (not archived) deal closed, won or lost, in the reporting zone.</summary>
    private static List<DateOnly> ClosedMonths() => SandboxWorld.Truth.HubSpotDealFacts()
        .Where(d => !d.Archived && d.IsClosed && d.CloseDate is not null)
        .Select(d => Month(ReferenceKpis.LocalDate(d.CloseDate!.Value))).Distinct().ToList();

    private static void Execute(DuckDBTransaction transaction, string sql)
    {
        using var command = Connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<object?[]> QueryIn(DuckDBTransaction transaction, string sql)
    {
        using var command = Connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    private static DateOnly Month(DateOnly d) => new(d.Year, d.Month, 1);

    private static int MonthsBetween(DateOnly from, DateOnly to) => ((to.Year - from.Year) * 12) + to.Month - from.Month;
}
