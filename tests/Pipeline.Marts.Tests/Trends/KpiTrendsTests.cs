using System.Globalization;
using DuckDB.NET.Data;
using Pipeline.Warehouse;
using Pipeline.Warehouse.DuckDb;

// Its own namespace: these tests need the deployed views over hand-made rows, not the marts fixture's world.
namespace Pipeline.Marts.Trends;

/// <summary>
/// mart.kpi_trends over hand-made mart.kpi_values rows (the view is replaced by a table of them in a freshly migrated
/// warehouse): calendar year-over-year (ISO week N of the previous ISO year, 29 February) and like-for-like periods
/// (per covered day when the periods cover different numbers of days).
/// </summary>
[NonParallelizable]
public sealed class KpiTrendsTests
{
    private string folder = "";
    private DuckDBConnection connection = null!;

    [OneTimeSetUp]
    public async Task SetUpAsync()
    {
        folder = Path.Combine(Path.GetTempPath(), "pipeline-trends-tests", Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, "warehouse.duckdb");
        await using (var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = path, Reporting = new ReportingSettings() }))
        {
            await warehouse.MigrateAsync(Pipeline.Etl.Sources.BuiltInStreams);
        }

        connection = new DuckDBConnection($"Data Source={path}");
        await connection.OpenAsync();
        Execute("""
            CREATE TABLE main.fake_kpi_values (
                grain VARCHAR, period_start DATE, period_end DATE, segment_type VARCHAR, segment VARCHAR, kpi_id VARCHAR,
                kpi_name VARCHAR, unit VARCHAR, currency VARCHAR, numerator DECIMAL(38, 9), denominator DECIMAL(38, 9),
                value DOUBLE, period_complete BOOLEAN, coverage DOUBLE, covered_days INTEGER, period_days INTEGER,
                status VARCHAR, status_reason VARCHAR)
            """);
        // The definition of mart.kpi_trends reads table mart.kpi_values: that table becomes a view of the hand-made rows,
        // and the tests read the definition (mart_def.kpi_trends), which the refresh copies into the table.
        Execute("DROP TABLE mart.kpi_values; CREATE VIEW mart.kpi_values AS SELECT * FROM main.fake_kpi_values");
    }

    [OneTimeTearDown]
    public async Task TearDownAsync()
    {
        await connection.DisposeAsync();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS temp cleaner
        }
    }

    [SetUp]
    public void Clear() => Execute("DELETE FROM main.fake_kpi_values");

    [Test]
    public void Week_one_of_2027_compares_with_week_one_of_2026_and_week_53_has_no_year_earlier()
    {
        // 2026 has 53 ISO weeks: 2026-W01 starts 2025-12-29, 2026-W53 starts 2026-12-28, 2027-W01 starts 2027-01-04.
        Add("week", "2025-12-29", "sessions", 100, 7, 7);
        Add("week", "2026-01-05", "sessions", 90, 7, 7);
        Add("week", "2026-12-28", "sessions", 120, 7, 7);
        Add("week", "2027-01-04", "sessions", 110, 7, 7);
        Add("week", "2025-12-22", "sessions", 80, 7, 7);

        var w01 = Trend("week", "2027-01-04", "sessions");
        var w53 = Trend("week", "2026-12-28", "sessions");

        Assert.Multiple(() =>
        {
            Assert.That(w01.LastYearStart, Is.EqualTo(new DateOnly(2025, 12, 29)), "2027-W01 against 2026-W01, not 2026-W02");
            Assert.That(w01.LastYearValue, Is.EqualTo(100));
            Assert.That(w01.YoyChangePct, Is.EqualTo(0.1).Within(1e-9));
            Assert.That(w53.LastYearStart, Is.Null, "2025 has no week 53: never 2026-W01 or 2025-W52");
            Assert.That(w53.LastYearValue, Is.Null);
            Assert.That(w53.YoyBasis, Is.EqualTo("not_comparable"));
        });
    }

    [Test]
    public void Twenty_ninth_of_february_compares_with_the_28th_a_year_earlier()
    {
        Add("day", "2027-02-28", "leads", 10, 1, 1);
        Add("day", "2028-02-29", "leads", 12, 1, 1);
        Add("day", "2027-03-01", "leads", 50, 1, 1);

        var leap = Trend("day", "2028-02-29", "leads");

        Assert.Multiple(() =>
        {
            Assert.That(leap.LastYearStart, Is.EqualTo(new DateOnly(2027, 2, 28)));
            Assert.That(leap.YoyChangePct, Is.EqualTo(0.2).Within(1e-9));
        });
    }

    [Test]
    public void A_25_day_month_and_a_full_month_compare_per_covered_day()
    {
        // September covered on 25 of 30 days, October on all 31: the same 100 sessions a day is no change.
        Add("month", "2026-09-01", "sessions", 2500, 25, 30);
        Add("month", "2026-10-01", "sessions", 3100, 31, 31);
        Add("month", "2026-09-01", "engagement_rate", 0.6, 25, 30, numerator: 1500, denominator: 2500);
        Add("month", "2026-10-01", "engagement_rate", 0.66, 31, 31, numerator: 2046, denominator: 3100);

        var sessions = Trend("month", "2026-10-01", "sessions");
        var rate = Trend("month", "2026-10-01", "engagement_rate");

        Assert.Multiple(() =>
        {
            Assert.That(sessions.Basis, Is.EqualTo("per_day"));
            Assert.That(sessions.ChangePct, Is.EqualTo(0).Within(1e-9), "not +24 % from five more days");
            Assert.That(sessions.Note, Does.Contain("31").And.Contain("25"));
            Assert.That(rate.Basis, Is.EqualTo("full"), "a ratio is per unit already");
            Assert.That(rate.ChangePct, Is.EqualTo(0.1).Within(1e-9));
        });
    }

    [Test]
    public void Sales_growth_of_a_partial_month_is_per_covered_day()
    {
        Add("month", "2026-09-01", "revenue", 25_000, 25, 30, unit: "Currency");
        Add("month", "2026-10-01", "revenue", 34_100, 31, 31, unit: "Currency");

        var growth = Trend("month", "2026-10-01", "sales_growth");

        // 34,100 / 31 = 1,100 a day against 25,000 / 25 = 1,000: +10 %, not +36.4 %.
        Assert.That(growth.Value, Is.EqualTo(0.1).Within(1e-9));
    }

    [Test]
    public void A_period_without_covered_days_is_not_compared()
    {
        Add("week", "2026-09-07", "sessions", 0, 0, 7);
        Add("week", "2026-09-14", "sessions", 700, 7, 7);
        Add("week", "2026-09-21", "sessions", 770, 7, 7);

        var uncovered = Trend("week", "2026-09-14", "sessions");
        var full = Trend("week", "2026-09-21", "sessions");

        Assert.Multiple(() =>
        {
            Assert.That((uncovered.Basis, uncovered.ChangePct), Is.EqualTo(("not_comparable", (double?)null)));
            Assert.That(uncovered.Note, Is.EqualTo("no covered day in the previous period"));
            Assert.That(full.Basis, Is.EqualTo("full"));
            Assert.That(full.ChangePct, Is.EqualTo(0.1).Within(1e-9));
        });
    }

    private void Add(string grain, string start, string kpi, double value, int coveredDays, int periodDays,
        double? numerator = null, double? denominator = null, string unit = "Count")
    {
        var from = DateOnly.Parse(start, CultureInfo.InvariantCulture);
        var to = grain switch
        {
            "day" => from,
            "week" => from.AddDays(6),
            "quarter" => from.AddMonths(3).AddDays(-1),
            _ => from.AddMonths(1).AddDays(-1),
        };
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO main.fake_kpi_values VALUES ($grain, $from, $to, 'all', 'All', $kpi, $kpi, $unit, NULL, $numerator, $denominator,
                $value, $covered = $days, CAST($covered AS DOUBLE) / $days, $covered, $days,
                CASE WHEN $covered < $days THEN 'partial' ELSE 'complete' END, NULL)
            """;
        command.Parameters.Add(new DuckDBParameter("grain", grain));
        command.Parameters.Add(new DuckDBParameter("from", from));
        command.Parameters.Add(new DuckDBParameter("to", to));
        command.Parameters.Add(new DuckDBParameter("kpi", kpi));
        command.Parameters.Add(new DuckDBParameter("unit", unit));
        command.Parameters.Add(new DuckDBParameter("numerator", (decimal)(numerator ?? value)));
        command.Parameters.Add(new DuckDBParameter("denominator", denominator is { } d ? (decimal)d : DBNull.Value));
        command.Parameters.Add(new DuckDBParameter("value", value));
        command.Parameters.Add(new DuckDBParameter("covered", coveredDays));
        command.Parameters.Add(new DuckDBParameter("days", periodDays));
        command.ExecuteNonQuery();
    }

    private TrendRow Trend(string grain, string start, string kpi)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT value, comparison_basis, comparison_note, change_pct, last_year_period_start, last_year_value, yoy_basis, yoy_change_pct
            FROM mart_def.kpi_trends WHERE grain = $grain AND period_start = $start AND kpi_id = $kpi AND segment_type = 'all'
            """;
        command.Parameters.Add(new DuckDBParameter("grain", grain));
        command.Parameters.Add(new DuckDBParameter("start", DateOnly.Parse(start, CultureInfo.InvariantCulture)));
        command.Parameters.Add(new DuckDBParameter("kpi", kpi));
        using var reader = command.ExecuteReader();
        Assert.That(reader.Read(), Is.True, $"mart.kpi_trends has {kpi} {grain} {start}");
        double? D(int i) => reader.IsDBNull(i) ? null : reader.GetDouble(i);
        string? S(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        return new TrendRow(D(0), S(1), S(2), D(3), reader.IsDBNull(4) ? null : AsDate(reader.GetValue(4)), D(5), S(6), D(7));
    }

    private static DateOnly AsDate(object value) => value switch
    {
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        _ => throw new InvalidCastException($"not a date: {value}"),
    };

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed record TrendRow(double? Value, string? Basis, string? Note, double? ChangePct, DateOnly? LastYearStart, double? LastYearValue,
        string? YoyBasis, double? YoyChangePct);
}
