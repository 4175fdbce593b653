using System.Globalization;
using static Pipeline.Marts.Tests.MartsFixture;

namespace Pipeline.Marts.Tests;

/// <summary>mart.kpi_measures (every base measure per grain, period and segment) against the reference's base measures.</summary>
public sealed class BaseMeasureTests
{
    [TestCase("day")]
    [TestCase("week")]
    [TestCase("month")]
    [TestCase("quarter")]
    public void Every_base_measure_matches_the_reference(string grain)
    {
        var expected = new Dictionary<(DateOnly, string, string, string), decimal?>();
        foreach (var ((start, type, segment), bag) in Reference.Measures(grain))
        {
            foreach (var measure in bag.Present)
            {
                expected[(start, type, segment, measure)] = bag.Known(measure) ? bag[measure] : null;
            }
        }

        var actual = Query("SELECT period_start, segment_type, segment, measure, value FROM mart.kpi_measures WHERE grain = $grain", ("grain", grain))
            .ToDictionary(r => (Date(r[0]), (string)r[1]!, (string)r[2]!, (string)r[3]!), r => Dec(r[4]));

        // Amounts only: a measure row holding 0 and no row at all are the same amount here (the KPI tests check rows).
        var differ = expected.Keys.Union(actual.Keys)
            .Select(k => (Key: k, Expected: expected.TryGetValue(k, out var e) ? e : 0m, Actual: actual.TryGetValue(k, out var a) ? a : 0m))
            .Where(x => !Compare.Close(x.Expected, x.Actual))
            .ToList();
        var byMeasure = string.Join(", ", differ.GroupBy(d => d.Key.Item4).Select(g => $"{g.Key} {g.Count()}"));
        Assert.That(
            differ.Take(12).Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Key.Item4} {d.Key.Item1:yyyy-MM-dd} {d.Key.Item2}={d.Key.Item3}: expected {d.Expected} got {d.Actual}")),
            Is.Empty,
            $"{differ.Count} differing amounts ({byMeasure})");
    }
}
