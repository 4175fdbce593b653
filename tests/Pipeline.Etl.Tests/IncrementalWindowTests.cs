using Pipeline.Connectors.Streams;
using Pipeline.Etl.Sync;

namespace Pipeline.Etl.Tests;

public sealed class IncrementalWindowTests
{
    private static readonly DateOnly Today = new(2026, 11, 22);

    private static readonly StreamDescriptor Daily = new(
        "test", "daily", StreamKind.Report, [new FieldDef("date", FieldType.Date, Nullable: false)], ["date"], "date");

    [Test]
    public void First_run_backfills_the_configured_days_in_chunks_ending_today()
    {
        var windows = IncrementalWindow.Plan(Daily, null, new StreamSyncSettings(3, FirstRunDays: 95, ChunkDays: 30), Today);

        Assert.That(windows.First().From, Is.EqualTo(Today.AddDays(-94)));
        Assert.That(windows.Last().To, Is.EqualTo(Today));
        Assert.That(windows.Select(w => w.Days), Is.EqualTo(new[] { 30, 30, 30, 5 }));
        Assert.That(windows.Zip(windows.Skip(1)).All(p => p.First.To.AddDays(1) == p.Second.From), Is.True, "contiguous, no gaps or overlaps");
    }

    [TestCase(0, "2026-11-21", "2026-11-22")]
    [TestCase(3, "2026-11-18", "2026-11-22")]
    [TestCase(28, "2026-10-24", "2026-11-22")]
    public void Later_runs_reread_the_lookback_before_the_cursor(int lookback, string from, string to)
    {
        var windows = IncrementalWindow.Plan(Daily, "2026-11-20", new StreamSyncSettings(lookback, ChunkDays: 400), Today);

        Assert.That(windows.Single().ToString(), Is.EqualTo($"{from}..{to}"));
    }

    [Test]
    public void History_limit_clamps_the_start()
    {
        var windows = IncrementalWindow.Plan(Daily, null, new StreamSyncSettings(28, FirstRunDays: 2000, ChunkDays: 5000, MaxHistoryDays: 1125), Today);

        Assert.That(windows.Single().From, Is.EqualTo(Today.AddDays(-1125)));
    }

    [Test]
    public void A_backfill_range_replaces_the_plan_but_never_reaches_past_today()
    {
        var windows = IncrementalWindow.Plan(Daily, "2026-11-20", new StreamSyncSettings(3, ChunkDays: 10), Today, new DateOnly(2026, 11, 1), new DateOnly(2026, 12, 31));

        Assert.That(windows.Select(w => w.ToString()), Is.EqualTo(new[] { "2026-11-01..2026-11-10", "2026-11-11..2026-11-20", "2026-11-21..2026-11-22" }));
    }

    [Test]
    public void A_cursor_that_is_not_a_day_is_a_clear_error()
    {
        Assert.That(() => IncrementalWindow.Plan(Daily, "yesterday", new StreamSyncSettings(3), Today), 
            Throws.TypeOf<FormatException>().With.Message.Contains("test.daily").And.Message.Contains("'yesterday'").And.Message.Contains("yyyy-MM-dd"));
    }
}
