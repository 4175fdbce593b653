using Pipeline.Cli.Commands;
using Pipeline.Etl.Sync;
using Pipeline.Warehouse;

namespace Pipeline.Cli.Tests;

public sealed class EmptyWindowLinesTests
{
    private static readonly DateOnly Start = new(2026, 10, 28);

    [Test]
    public void Skipped_and_empty_windows_of_a_stream_are_one_line_and_windows_with_rows_are_not_in_it()
    {
        var summary = new SyncSummary("meta", "123",
        [
            Window("insights_daily_by_country", Start, Start.AddDays(29), rows: 0),
            Window("insights_daily_by_country", Start.AddDays(30), Start.AddDays(59), rows: 0),
            Window("insights_daily_by_country", Start.AddDays(60), Start.AddDays(61), rows: 12),
            Window("insights_daily", Start, Start.AddDays(29), rows: 40),
            new WindowOutcome("campaigns", "since 2026-12-01T00:00:00.000000Z", SyncRunStatus.Succeeded, new WindowLoadResult(0, 0, 0, null), null),
        ])
        {
            Skipped = [new SkippedWindows("insights_daily_by_country", 12, new DateOnly(2025, 11, 1), Start.AddDays(-1), Start)],
        };

        var lines = EmptyWindowLines.For(summary).ToList();

        Assert.That(lines, Is.EqualTo(new[]
        {
            "meta insights_daily_by_country 123: 12 empty windows 2025-11-01..2026-10-27 skipped (the account's data starts 2026-10-28); 2 empty windows 2026-10-28..2026-12-26 read, no rows",
            "meta campaigns 123: no new rows (since 2026-12-01T00:00:00.000000Z)",
        }));
    }

    [Test]
    public void A_failed_window_is_never_summed_up_as_empty()
    {
        var summary = new SyncSummary("ga4", "9", [new WindowOutcome("traffic_daily", "2026-10-28..2026-11-26", SyncRunStatus.Failed, null, "503") { Range = new(Start, Start.AddDays(29)) }]);

        Assert.That(EmptyWindowLines.For(summary), Is.Empty);
    }

    private static WindowOutcome Window(string stream, DateOnly from, DateOnly to, long rows) =>
        new(stream, new IncrementalWindow(from, to).ToString(), SyncRunStatus.Succeeded, new WindowLoadResult(rows, rows, 0, null), null) { Range = new IncrementalWindow(from, to) };
}
