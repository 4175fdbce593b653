using static Pipeline.Marts.Tests.MartsFixture;

namespace Pipeline.Marts.Tests;

/// <summary>
/// mart.kpi_target_progress against the reference: each target of the test's kpi_targets.csv recomputed over its own
/// range up to the as-of day (the last day with GA4 or Meta facts), with the progress rules written out here.
/// </summary>
public sealed class TargetTests
{
    [Test]
    public void Count_target_without_rows_in_its_range_counts_as_zero_and_is_off_track()
    {
        var target = Files.Targets.Single(t => t.Kpi == "new_customers" && t.Segment == "Audio");
        var to = Min(target.PeriodEnd, AsOf);
        Assert.That(Reference.OverRange(target.PeriodStart, to).ContainsKey(("new_customers", "channel", "Audio")), Is.False,
            "precondition: the reference has no new customer in Audio in the range");

        var row = Query("SELECT segment_type, actual, projected, pct_achieved, status FROM mart.kpi_target_progress WHERE kpi_id = 'new_customers' AND segment = 'Audio'").Single();

        Assert.Multiple(() =>
        {
            Assert.That(row[0], Is.EqualTo("channel"));
            Assert.That(Dbl(row[1]), Is.EqualTo(0), "no new customers is 0 new customers, not unknown");
            Assert.That(Dbl(row[2]), Is.EqualTo(0));
            Assert.That(Dbl(row[3]), Is.EqualTo(0));
            Assert.That(row[4], Is.EqualTo("off track"), "0 of 10 with days left is off track, not 'no data'");
        });
    }

    [Test]
    public void Every_target_actual_and_status_match_the_reference()
    {
        var actual = Query("SELECT kpi_id, segment, period_start, as_of_date, actual, days_total, days_elapsed, projected, status FROM mart.kpi_target_progress")
            .ToDictionary(r => ((string)r[0]!, (string)r[1]!, Date(r[2])), r => r);
        Assert.That(actual, Has.Count.EqualTo(Files.Targets.Count));
        foreach (var t in Files.Targets)
        {
            var segment = t.Segment.Length == 0 ? ReferenceKpis.All : t.Segment;
            var row = actual[(t.Kpi, segment, t.PeriodStart)];
            var to = Min(t.PeriodEnd, AsOf);
            var total = t.PeriodEnd.DayNumber - t.PeriodStart.DayNumber + 1;
            var elapsed = Math.Clamp(to.DayNumber - t.PeriodStart.DayNumber + 1, 0, total);
            var type = segment == ReferenceKpis.All ? "all" : "channel";

            // Every target here is a count or a sum: no rows in the range is 0.
            double? value = elapsed == 0 ? null : (double)(Reference.OverRange(t.PeriodStart, to).GetValueOrDefault((t.Kpi, type, segment))?.Numerator ?? 0m);
            double? projected = value * total / elapsed;
            var status = elapsed == 0 ? "not started"
                : elapsed == total ? (value >= (double)t.Target ? "achieved" : "missed")
                : projected >= (double)t.Target ? "on track" : "off track";

            Assert.Multiple(() =>
            {
                Assert.That(Date(row[3]), Is.EqualTo(AsOf), $"{t.Kpi} {segment}: as-of day");
                Assert.That(Compare.Close(value, Dbl(row[4])), Is.True, $"{t.Kpi} {segment}: actual expected {value} got {Dbl(row[4])}");
                Assert.That(Dbl(row[5]), Is.EqualTo(total), $"{t.Kpi} {segment}: days_total");
                Assert.That(Dbl(row[6]), Is.EqualTo(elapsed), $"{t.Kpi} {segment}: days_elapsed");
                Assert.That(Compare.Close(projected, Dbl(row[7])), Is.True, $"{t.Kpi} {segment}: projected expected {projected} got {Dbl(row[7])}");
                Assert.That(row[8], Is.EqualTo(status), $"{t.Kpi} {segment}: status");
            });
        }
    }

    /// <summary>The last day with a GA4 or Meta fact in the reference: what the view calls "as of".</summary>
    internal static DateOnly AsOf => Reference.Rows.Keys
        .Where(k => k.Grain == "day" && k.SegmentType == "all" && k.Kpi is "sessions" or "impressions")
        .Max(k => k.PeriodStart);

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
