using System.Globalization;
using Pipeline.Etl.Sync;
using Pipeline.Warehouse;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary>
/// How <c>pipeline sync</c> shows a long run: bars with a remaining-time column on a terminal, and without one
/// (redirected, captured, CI logs) one plain line per finished window: a live display there would re-print its
/// whole block on every refresh.
/// </summary>
internal interface ISyncProgress
{
    void ConnectFailed(string source);

    IAccountSyncProgress Account(string source, string accountId);
}

internal interface IAccountSyncProgress
{
    /// <summary>How many windows the account will run (told once, before the first).</summary>
    void Planned(int windows);

    void Completed(WindowOutcome window);

    void Finished();
}

/// <summary>
/// Remaining time of the work planned so far: the time per finished window times the windows left. Windows differ
/// in cost, so it is an estimate, and accounts not planned yet are not in it.
/// </summary>
internal sealed class SyncEta(TimeProvider clock)
{
    private readonly long started = clock.GetTimestamp();

    public int Total { get; private set; }

    public int Done { get; private set; }

    public void Add(int windows) => Total += windows;

    public void Complete() => Done++;

    public TimeSpan? Remaining => Done == 0 ? null : clock.GetElapsedTime(started) / Done * Math.Max(0, Total - Done);

    public static string Format(TimeSpan? remaining) => remaining is not { } left
        ? "ETA --:--"
        : left.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"ETA {(int)left.TotalHours}:{left.Minutes:00}:{left.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"ETA {left.Minutes}:{left.Seconds:00}");
}

/// <summary>One line per finished window (never a redrawn block), each with the count so far and the ETA.</summary>
internal sealed class PlainSyncProgress(IAnsiConsole console, SyncEta eta) : ISyncProgress
{
    public void ConnectFailed(string source) => console.WriteLine($"{source}: could not connect");

    public IAccountSyncProgress Account(string source, string accountId) => new AccountLines(console, eta, $"{source} {accountId}");

    private sealed class AccountLines(IAnsiConsole console, SyncEta eta, string name) : IAccountSyncProgress
    {
        public void Planned(int windows)
        {
            eta.Add(windows);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {windows} window(s) to sync"));
        }

        public void Completed(WindowOutcome window)
        {
            eta.Complete();
            var what = window.Status != SyncRunStatus.Succeeded ? $"{window.Status.ToString().ToLowerInvariant()}: {window.Error}"
                : window.IsEmpty ? "no rows"
                : string.Create(CultureInfo.InvariantCulture, $"{window.Result!.RowsWritten:N0} rows written");
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{eta.Done}/{eta.Total}] {name} {window.Stream} {window.Window}: {what} ({SyncEta.Format(eta.Remaining)})"));
        }

        public void Finished()
        {
        }
    }
}

/// <summary>A bar per account on a terminal; Spectre's remaining-time column gives the ETA.</summary>
internal sealed class BarSyncProgress(ProgressContext progress) : ISyncProgress
{
    public static Progress Create(IAnsiConsole console) => console.Progress().AutoClear(false).Columns(
        new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn());

    public void ConnectFailed(string source) => progress.AddTask(Markup.Escape($"{source}: could not connect"), maxValue: 1).Value = 1;

    public IAccountSyncProgress Account(string source, string accountId) =>
        new AccountBar(progress.AddTask(Markup.Escape($"{source} {accountId}"), maxValue: 1), $"{source} {accountId}");

    private sealed class AccountBar(ProgressTask task, string name) : IAccountSyncProgress
    {
        public void Planned(int windows) => task.MaxValue = Math.Max(1, windows);

        public void Completed(WindowOutcome window)
        {
            task.Description = Markup.Escape($"{name}: {window.Stream} {window.Window}");
            task.Increment(1);
        }

        public void Finished()
        {
            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{name}: {task.Value:0} windows"));
            task.Value = task.MaxValue;
            task.StopTask();
        }
    }
}
