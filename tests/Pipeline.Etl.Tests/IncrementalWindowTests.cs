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
    public void Lookback_never_reaches_before_the_first_loaded_day()
    {
        // A 14-day first run (from 2026-11-09) cut short after committing through 2026-11-12: its re-run looks back
        // 28 days from that cursor, but days before 2026-11-09 were never loaded, so it reads what an uninterrupted
        // first run reads.
        var settings = new StreamSyncSettings(28, FirstRunDays: 14, ChunkDays: 400);
        var uninterrupted = IncrementalWindow.Plan(Daily, null, settings, Today);
        var resumed = IncrementalWindow.Plan(Daily, "2026-11-12", settings, Today, loadedFrom: new DateOnly(2026, 11, 9));

        Assert.That(resumed.Single().ToString(), Is.EqualTo("2026-11-09..2026-11-22"));
        Assert.That(resumed.Single(), Is.EqualTo(uninterrupted.Single()));
        Assert.That(IncrementalWindow.Plan(Daily, "2026-11-20", settings, Today, loadedFrom: new DateOnly(2026, 9, 1)).Single().From,
            Is.EqualTo(new DateOnly(2026, 10, 24)), "a loaded history older than the lookback leaves the lookback alone");
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

    [Test]
    public void A_first_run_starts_no_earlier_than_the_accounts_data_start_and_names_what_it_skipped()
    {
        var settings = new StreamSyncSettings(3, FirstRunDays: 95, ChunkDays: 30);
        var start = Today.AddDays(-40);

        var windows = IncrementalWindow.Plan(Daily, null, settings, Today, dataStart: start);
        var skipped = SkippedWindows.Before("daily", IncrementalWindow.Plan(Daily, null, settings, Today), start);

        Assert.That(windows.Select(w => w.ToString()), Is.EqualTo(new[] { "2026-10-13..2026-11-11", "2026-11-12..2026-11-22" }));
        Assert.That(skipped, Is.EqualTo(new SkippedWindows("daily", 2, Today.AddDays(-94), start.AddDays(-1), start)));
    }

    [Test]
    public void The_data_start_never_moves_a_committed_cursor_and_clamps_a_backfill()
    {
        var settings = new StreamSyncSettings(3, ChunkDays: 10);

        Assert.That(IncrementalWindow.Plan(Daily, "2026-11-20", settings, Today, dataStart: Today).Single().ToString(), Is.EqualTo("2026-11-18..2026-11-22"),
            "a stream with a cursor plans from it (minus its lookback) whatever the data start");
        Assert.That(IncrementalWindow.Plan(Daily, "2026-11-20", settings, Today, new DateOnly(2026, 11, 1), null, dataStart: new DateOnly(2026, 11, 15)).First().From,
            Is.EqualTo(new DateOnly(2026, 11, 15)));
        Assert.That(SkippedWindows.Before("daily", IncrementalWindow.Plan(Daily, null, settings, Today), Today.AddDays(-400)), Is.Null, "nothing before an older start");
    }
}
