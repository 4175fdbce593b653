using Spectre.Console;

namespace Pipeline.Cli.Output;

/// <summary>
/// Tells a person that a command is still working once it has taken more than a second: a spinner on stderr when
/// stderr is a terminal, else one plain line there ("pipeline: building report ..."). Never anything on stdout, which
/// may be data (csv, json, a path a script reads).
/// </summary>
internal sealed class Feedback(CliEnvironment env, TimeProvider clock)
{
    /// <summary>Work that ends sooner needs no feedback.</summary>
    public static readonly TimeSpan Threshold = TimeSpan.FromSeconds(1);

    public async Task<T> RunAsync<T>(string activity, Func<Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        // On the thread pool: DuckDB and DbUp do their work synchronously inside "async" calls, so calling work()
        // here would return only when it is done, too late to say anything.
        var task = Task.Run(work);
        if (!env.Feedback || await FinishesWithinThresholdAsync(task))
        {
            return await task;
        }

        if (env.ErrorIsTerminal)
        {
            var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            return await stderr.Status().Spinner(Spinner.Known.Dots).StartAsync(Markup.Escape(activity) + " ...", _ => task);
        }

        await env.Error.WriteLineAsync($"pipeline: {activity} ...");
        return await task;
    }

    public async Task RunAsync(string activity, Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        await RunAsync(activity, async () =>
        {
            await work();
            return true;
        });
    }

    private async Task<bool> FinishesWithinThresholdAsync(Task task)
    {
        using var stop = new CancellationTokenSource();
        var delay = Task.Delay(Threshold, clock, stop.Token);
        var first = await Task.WhenAny(task, delay);
        await stop.CancelAsync();
        return first == task;
    }
}
