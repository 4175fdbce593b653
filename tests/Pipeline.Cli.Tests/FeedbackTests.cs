using Microsoft.Extensions.Time.Testing;
using Pipeline.Cli.Output;

namespace Pipeline.Cli.Tests;

/// <summary>
/// Feedback for slow steps, on a fake clock: nothing for work that ends within a second, one plain line on stderr
/// (not a terminal here) for work that takes longer, never anything on stdout.
/// </summary>
public sealed class FeedbackTests
{
    [Test]
    public async Task Work_that_takes_more_than_a_second_gets_one_line_on_stderr()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var clock = new FakeTimeProvider();
        var work = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var feedback = new Feedback(new CliEnvironment { Out = output, Error = error, Feedback = true }, clock);

        var running = feedback.RunAsync("building the last-30d report", () => work.Task);
        Assert.That(error.ToString(), Is.Empty, "nothing before a second has passed");
        clock.Advance(Feedback.Threshold);
        await WaitForAsync(() => error.ToString().Length > 0);
        work.SetResult("report.html");

        Assert.That(await running, Is.EqualTo("report.html"));
        Assert.That(error.ToString(), Is.EqualTo("pipeline: building the last-30d report ..." + Environment.NewLine));
        Assert.That(output.ToString(), Is.Empty, "stdout may be data");
    }

    [Test]
    public async Task Work_that_blocks_its_thread_still_gets_feedback()
    {
        // DuckDB and DbUp work synchronously inside their async calls: the feedback must not wait for them to return.
        using var error = new StringWriter();
        using var gate = new ManualResetEventSlim();
        var clock = new FakeTimeProvider();
        var feedback = new Feedback(new CliEnvironment { Out = TextWriter.Null, Error = error, Feedback = true }, clock);

        var running = feedback.RunAsync("migrating the duckdb warehouse", () => Task.FromResult(gate.Wait(TimeSpan.FromSeconds(30))));
        clock.Advance(Feedback.Threshold);
        await WaitForAsync(() => error.ToString().Length > 0);
        var lineBeforeTheWorkEnded = error.ToString();
        gate.Set();

        Assert.That(await running, Is.True, "the work ended because the gate was opened, not by its own timeout");
        Assert.That(lineBeforeTheWorkEnded, Is.EqualTo("pipeline: migrating the duckdb warehouse ..." + Environment.NewLine));
    }

    [Test]
    public async Task Work_that_ends_within_a_second_gets_none()
    {
        using var error = new StringWriter();
        var clock = new FakeTimeProvider();
        var feedback = new Feedback(new CliEnvironment { Out = TextWriter.Null, Error = error, Feedback = true }, clock);

        var result = await feedback.RunAsync("reading KPI values", () => Task.FromResult(42));
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.That(result, Is.EqualTo(42));
        Assert.That(error.ToString(), Is.Empty);
    }

    [Test]
    public async Task Failing_work_fails_the_same_way_with_or_without_feedback()
    {
        var clock = new FakeTimeProvider();
        var feedback = new Feedback(new CliEnvironment { Out = TextWriter.Null, Error = TextWriter.Null, Feedback = true }, clock);

        Assert.That(async () => await feedback.RunAsync<int>("migrating", () => Task.FromException<int>(new InvalidOperationException("script 7 failed"))),
            Throws.InvalidOperationException.With.Message.EqualTo("script 7 failed"));
        await Task.CompletedTask;
    }

    [Test]
    public async Task Writers_a_test_captures_get_no_feedback_unless_asked()
    {
        using var error = new StringWriter();
        var clock = new FakeTimeProvider();
        var work = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var feedback = new Feedback(new CliEnvironment { Out = TextWriter.Null, Error = error }, clock);

        var running = feedback.RunAsync("publishing", () => work.Task);
        clock.Advance(TimeSpan.FromSeconds(5));
        work.SetResult(1);

        Assert.That(await running, Is.EqualTo(1));
        Assert.That(error.ToString(), Is.Empty);
    }

    /// <summary>The line is written on a thread-pool continuation after the fake clock fires.</summary>
    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }
}
