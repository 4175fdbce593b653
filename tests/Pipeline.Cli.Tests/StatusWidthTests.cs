using Pipeline.Cli.Commands;
using Pipeline.Etl.Scheduling;
using Pipeline.Warehouse;

namespace Pipeline.Cli.Tests;

/// <summary>
/// <c>pipeline status</c> in 80 and 120 columns: every cursor whole on one line (long ones shortened in the middle),
/// no line past the terminal, run ids and numbers never split.
/// </summary>
public sealed class StatusWidthTests
{
    private static readonly DateTime Now = new(2026, 12, 1, 12, 0, 0, DateTimeKind.Utc);

    private const string LongError =
        "Meta API error 17 (User request limit reached): the ad account act_1234567890 made too many calls; retry after the usage window resets";

    private static readonly StreamState[] States =
    [
        new("ga4", "traffic_daily", "123456789", "2026-11-28", Now, "20261201T110000Z-3f9a1c") { LastSuccessAt = Now.AddHours(-1), LastStatus = "succeeded" },
        new("hubspot", "contacts", "portal-4471123", "2026-11-30T23:59:59.123456Z", Now, "20261201T110000Z-3f9a1c") { LastSuccessAt = Now.AddHours(-2.5), LastStatus = "succeeded" },
        new("meta", "campaign_insights_daily", "act_1234567890", "2026-11-27", Now, "20261201T110000Z-3f9a1c") { LastSuccessAt = Now.AddHours(-30), LastStatus = "failed", LastError = LongError },
        new("mailchimp", "campaigns", "us21-9f8e7d6c5b4a39281706f5e4d3c2b1a0", "page:eyJvZmZzZXQiOjEwMDAsImxpc3RfaWQiOiI5ZjhlN2Q2YzViIn0=", Now, "20261201T110000Z-3f9a1c") { LastStatus = "running" },
    ];

    [TestCase(80)]
    [TestCase(120)]
    public void Each_cursor_is_whole_on_one_line_and_no_line_runs_past_the_terminal(int width)
    {
        var lines = Render(width, console => StatusView.WriteStates(console, Status(), Now));

        Assert.That(lines, Has.All.Length.LessThanOrEqualTo(width));
        foreach (var state in States)
        {
            var cursor = StatusView.Cursor(state);
            Assert.That(lines, Has.Some.Contain(cursor), $"{state.Stream}: cursor '{cursor}' whole on a line");
        }

        Assert.That(StatusView.Cursor(States[3]), Does.Contain("…").And.StartWith("page:eyJ").And.EndWith("In0=").And.Length.EqualTo(StatusView.CursorWidth));
        Assert.That(StatusView.Cursor(States[1]), Is.EqualTo("2026-11-30T23:59:59.123456Z"), "a timestamp fits whole");
        Assert.That(string.Join(" ", lines), Does.Contain("User request limit reached"), "the error is still shown");
    }

    [Test]
    public void A_wide_terminal_keeps_the_table_with_one_row_per_stream()
    {
        var lines = Render(250, console => StatusView.WriteStates(console, Status(), Now));

        Assert.That(lines, Has.Some.Match(@"│ Source\s+│ Stream\s+│ Account\s+│ Cursor\s+│ Last success \(UTC\)\s+│ Hours since │ Last run\s+│ Last error"));
        Assert.That(lines, Has.Some.Contain("User request limit"), "the error wraps in its column");
        Assert.That(lines, Has.Some.Match(@"│ ga4\s+│ traffic_daily\s+│ 123456789\s+│ 2026-11-28\s+│ 2026-12-01 11:00:00\s+│\s+1\.0 │ succeeded"));
    }

    [TestCase(80)]
    [TestCase(120)]
    public void Runs_and_freshness_fit_with_ids_and_numbers_whole(int width)
    {
        var runs = Render(width, console => StatusView.WriteRuns(console, Status()));
        var freshness = Render(width, console => StatusView.WriteFreshness(console,
            [new SourceFreshness("meta", 5, Now.AddHours(-30), 30, 26, Stale: true, 1_234_567, 4321, 3, LongError)]));

        Assert.That(runs.Concat(freshness), Has.All.Length.LessThanOrEqualTo(width));
        Assert.That(runs, Has.Some.Contain("20261201T110000Z-3f9a1c").And.Some.Contain("1,234,567"));
        Assert.That(freshness, Has.Some.Contain("1,234,567").And.Some.Contain("2026-11-30 06:00:00").And.Some.Contain("STALE"));
    }

    private static WarehouseStatus Status() => new(
        [new WarehouseObject("etl", "sync_state", "table", 4)],
        [
            new SyncRunRecord("20261201T110000Z-3f9a1c", "meta", "campaign_insights_daily", "act_1234567890")
            {
                StartedAt = Now.AddMinutes(-5), FinishedAt = Now.AddMinutes(-4), Status = SyncRunStatus.Failed, RowsRead = 1_234_567, RowsWritten = 1_234_000,
                RowsRejected = 567, ApiCalls = 4321, WindowFrom = new DateOnly(2026, 11, 1), WindowTo = new DateOnly(2026, 11, 30), Error = LongError,
            },
        ],
        States);

    private static List<string> Render(int width, Action<Spectre.Console.IAnsiConsole> write)
    {
        using var output = new StringWriter();
        var console = new CliEnvironment { Out = output, Error = TextWriter.Null, Width = width }.CreateConsole();
        write(console);
        return output.ToString().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
    }
}
