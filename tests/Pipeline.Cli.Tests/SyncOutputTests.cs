using System.Text.RegularExpressions;
using Pipeline.Cli.Commands;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Cli.Tests;

/// <summary>What <c>pipeline sync</c> prints: one line per stream for windows without data, plain progress lines without a terminal.</summary>
public sealed partial class SyncOutputTests : CliTestBase
{
    [GeneratedRegex(@"^\[(\d+)/(\d+)\] ga4 \d+ \w+ \d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}: .+ \(ETA (\d+:\d{2}|--:--)\)$", RegexOptions.Multiline)]
    private static partial Regex ProgressLine();

    [Test]
    public async Task A_default_first_sync_sums_the_windows_before_the_property_existed_in_one_line_per_stream()
    {
        await using var sandbox = await StartSandboxAsync();
        // No FirstRunDays: the default first run reaches 396 days back, long before the property was created.
        WriteGa4Config(sandbox);

        var result = await RunWithConfigAsync("sync");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        var lines = result.Out.Split('\n', StringSplitOptions.TrimEntries);
        foreach (var stream in new[] { "traffic_daily", "users_daily", "landing_pages_daily" })
        {
            var summaries = lines.Where(l => l.StartsWith($"ga4 {stream} ", StringComparison.Ordinal)).ToList();
            Assert.That(summaries, Has.Count.EqualTo(1), $"{stream}: one summary line");
            Assert.That(summaries[0], Does.Match(@": 1[23] empty windows \d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2} skipped \(the account's data starts \d{4}-\d{2}-\d{2}\)$"));
            Assert.That(lines.Count(l => l.Contains($" {stream} ", StringComparison.Ordinal) && l.Contains("Succeeded", StringComparison.Ordinal)), Is.EqualTo(1),
                $"{stream}: one table row, for the window that held data");
        }

        Assert.That(lines.Where(l => l.Contains("Succeeded", StringComparison.Ordinal)), Has.None.Match(@"│\s+0\s+│\s+0\s+│"), "no '0 rows' rows");
    }

    [Test]
    public async Task Without_a_terminal_progress_is_one_plain_line_per_finished_window_with_an_eta()
    {
        await using var sandbox = await StartSandboxAsync();
        WriteGa4Config(sandbox);

        var result = await RunWithConfigAsync("sync");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Ok), result.Error);
        // Ordinal: a culture-aware search finds an ignorable control character everywhere.
        Assert.That(result.Out.IndexOf('\u001b', StringComparison.Ordinal), Is.EqualTo(-1), "no ANSI escapes or cursor movements");
        Assert.That(result.Out.IndexOf('\r', StringComparison.Ordinal), Is.EqualTo(-1), "no line redrawn in place");
        var progress = ProgressLine().Matches(result.Out).ToList();
        var total = int.Parse(progress[^1].Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(progress.Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(Enumerable.Range(1, total)),
            "one line per finished window, each once, counting up");
        Assert.That(progress.Select(m => m.Groups[2].Value).Distinct().Count(), Is.EqualTo(1), "the whole account's work is known from the first line");
        Assert.That(result.Out, Does.Contain($"ga4 {sandbox.Credentials.Ga4PropertyId}: {total} window(s) to sync"));
    }

    [Test]
    public void The_eta_is_the_time_per_finished_window_times_the_windows_left()
    {
        var clock = new SteppingClock();
        var eta = new SyncEta(clock);
        eta.Add(6);
        Assert.That(eta.Remaining, Is.Null, "nothing finished yet: no estimate");

        clock.Elapse(TimeSpan.FromSeconds(10));
        eta.Complete();
        eta.Complete();

        Assert.That(eta.Remaining, Is.EqualTo(TimeSpan.FromSeconds(20)));
        Assert.That(SyncEta.Format(eta.Remaining), Is.EqualTo("ETA 0:20"));
        Assert.That(SyncEta.Format(TimeSpan.FromSeconds(3725)), Is.EqualTo("ETA 1:02:05"));
    }

    private static Task<SandboxServer> StartSandboxAsync()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return SandboxServer.StartAsync(new SandboxOptions { World = WorldOptions.Demo with { StartDate = today.AddDays(-13), Days = 14 } });
    }

    private void WriteGa4Config(SandboxServer sandbox) => WriteConfig(new
    {
        Sources = new
        {
            Ga4 = new
            {
                BaseUrl = sandbox.Ga4BaseAddress,
                TokenUrl = sandbox.GoogleTokenUri,
                Properties = new[] { new { PropertyId = sandbox.Credentials.Ga4PropertyId, ServiceAccountKeyJson = sandbox.Credentials.GoogleServiceAccountKeyJson } },
            },
        },
    });

    /// <summary>A clock whose elapsed time moves only when told.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks;

        public void Elapse(TimeSpan by) => ticks += by.Ticks;
    }
}
