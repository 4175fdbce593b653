using Pipeline.Etl.Alerts;
using Pipeline.Scheduling.Tests.Support;

namespace Pipeline.Scheduling.Tests;

/// <summary>The judgement over mart.source_health rows, without a warehouse: which columns and volumes are unhealthy, since when.</summary>
public sealed class SourceHealthAssessmentTests
{
    private static readonly DateOnly First = new(2026, 3, 1);
    private static readonly DateOnly Today = new(2026, 6, 1);

    [Test]
    public void A_column_filled_every_day_then_empty_is_unhealthy_since_its_first_empty_day_while_a_column_often_empty_is_not()
    {
        var rows = new List<SourceHealthDay>();
        for (var d = 0; d < 40; d++)
        {
            var day = First.AddDays(d);
            rows.Add(new SourceHealthDay("hubspot", "deals", "closed_won_date", day, 100, d < 35 ? 95 : 0));
            // Filled on about half the days only: never "usually filled", so its empty days say nothing.
            rows.Add(new SourceHealthDay("hubspot", "deals", "notes", day, 100, d % 2 == 0 ? 80 : 10));
        }

        var findings = SourceHealthAssessment.Assess(rows, new HealthAlertOptions(), Today);

        Assert.That(findings.Select(f => (f.Stream, f.Subject, f.Since)), Is.EqualTo(new[] { ("deals", "closed_won_date", First.AddDays(35)) }));
        Assert.That(findings[0].Detail, Does.Contain("filled on 0% of 100 rows on 2026-04-09").And.Contain("usually 95%"));
    }

    [Test]
    public void A_day_whose_row_count_leaves_the_median_band_is_a_volume_finding_and_today_is_not_judged()
    {
        var rows = new List<SourceHealthDay>();
        for (var d = 0; d < 30; d++)
        {
            rows.Add(new SourceHealthDay("meta", "ads_insights", "spend", First.AddDays(d), 200 + (d % 5), 190));
        }

        rows.Add(new SourceHealthDay("meta", "ads_insights", "spend", First.AddDays(30), 20, 19));
        var findings = SourceHealthAssessment.Assess(rows, new HealthAlertOptions(), Today);
        var partialToday = SourceHealthAssessment.Assess(rows, new HealthAlertOptions(), First.AddDays(30));

        Assert.That(findings.Select(f => (f.Subject, f.Since)), Is.EqualTo(new[] { (HealthFinding.VolumeSubject, First.AddDays(30)) }));
        Assert.That(findings[0].Detail, Does.Contain("20 rows on 2026-03-31"));
        Assert.That(partialToday, Is.Empty, "today's rows are still arriving");
    }

    [Test]
    public void A_recovered_column_closes_its_episode_so_the_next_drop_alerts_again()
    {
        var state = new DictionaryAlertState();
        var sink = new List<Alert>();
        var check = new SourceHealthCheck(new ListSink(sink), new HealthAlertOptions(), new FixedTime(Today), Microsoft.Extensions.Logging.Abstractions.NullLogger<SourceHealthCheck>.Instance);
        var rows = new List<SourceHealthDay>();
        void Day(int d, long filled) => rows.Add(new SourceHealthDay("meta", "ads_insights", "actions_lead", First.AddDays(d), 100, filled));
        for (var d = 0; d < 30; d++)
        {
            Day(d, 90);
        }

        Day(30, 0);
        var counts = new List<int> { Run() };
        Day(31, 0);
        counts.Add(Run());
        Day(32, 90);
        counts.Add(Run());
        Day(33, 0);
        counts.Add(Run());

        Assert.That(counts, Is.EqualTo(new[] { 1, 0, 1, 1 }), "alert, same episode, recovered, new episode");
        Assert.That(sink.Select(a => a.Kind), Is.EqualTo(new[] { AlertKind.SourceHealth, AlertKind.Recovered, AlertKind.SourceHealth }));
        Assert.That(sink[2].Text, Does.Contain("since 2026-04-03"));

        int Run() => check.RunAsync(new ListFeed(rows), state).GetAwaiter().GetResult();
    }

    private sealed class ListFeed(List<SourceHealthDay> rows) : ISourceHealthFeed
    {
        public Task<IReadOnlyList<SourceHealthDay>> ReadLatestAsync(int days, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<SourceHealthDay>>([.. rows]);
    }

    private sealed class ListSink(List<Alert> alerts) : IAlertSink
    {
        public Task SendAsync(Alert alert, CancellationToken cancellationToken = default)
        {
            alerts.Add(alert);
            return Task.CompletedTask;
        }
    }

    private sealed class FixedTime(DateOnly today) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
    }
}
