using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Connectors.Streams;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Sync;
using Pipeline.Warehouse;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary>What <c>pipeline backfill</c> was asked for.</summary>
internal sealed record BackfillArguments(string Source, string? Stream, string? Account, DateOnly From, DateOnly To, bool DryRun);

/// <summary>
/// <c>pipeline backfill --source S [--stream T] [--account A] --from D --to D [--dry-run]</c>: plans the report
/// windows of the range (calls, quota, ETA from measured rates), then runs them one by one. Each window opens the
/// warehouse, commits as sync does and closes it again, so the writer lock is never held longer than one window and
/// a scheduled run gets in between. Ctrl-C lets the window in flight finish, then stops; the same command resumes.
/// </summary>
internal sealed class BackfillCommand(
    WarehouseFactory warehouses,
    SourceCatalog catalog,
    RunContext run,
    TimeProvider clock,
    IAnsiConsole console,
    ILoggerFactory loggers,
    ILogger<BackfillCommand> logger,
    PipelineOptions options,
    BackfillArguments arguments) : ICommandHandler
{
    public static Command Build(CliEnvironment env, Option<FileInfo?> configOption)
    {
        var source = new Option<string>("--source") { Description = "The source to backfill (e.g. ga4)", Required = true };
        var stream = new Option<string?>("--stream") { Description = "Only this report stream (default: every report stream of the source)" };
        var account = new Option<string?>("--account") { Description = "Only this account (as in the sync output)" };
        var from = PipelineCli.DateOption("--from", "First day of the range (yyyy-mm-dd)", required: true);
        var to = PipelineCli.DateOption("--to", "Last day of the range (yyyy-mm-dd)", required: true);
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan (windows, API calls, quota, ETA) and write nothing" };
        var backfill = new Command("backfill", "Backfill report streams over a date range, window by window, with a plan, progress and resume");
        foreach (var option in new Option[] { source, stream, account, from, to, dryRun })
        {
            backfill.Options.Add(option);
        }

        backfill.Validators.Add(r =>
        {
            if (PipelineCli.ParsedDate(r, from) is { } first && PipelineCli.ParsedDate(r, to) is { } last && first > last)
            {
                r.AddError("--from must not be after --to");
            }
        });
        backfill.SetAction((p, ct) => CommandHost.RunAsync<BackfillCommand>(
            env,
            p.GetValue(configOption),
            s => s.AddSingleton(new BackfillArguments(p.GetValue(source)!, p.GetValue(stream), p.GetValue(account), p.GetValue(from)!.Value, p.GetValue(to)!.Value, p.GetValue(dryRun))),
            ct));
        return backfill;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var source = catalog.Sources.FirstOrDefault(s => s.Name == arguments.Source) ?? throw new ConfigException(
            $"source '{arguments.Source}' is not configured (configured: {(catalog.Sources.Count == 0 ? "none" : string.Join(", ", catalog.Sources.Select(s => s.Name)))})");
        if (arguments.Stream is { } only)
        {
            if (StreamNames.Problem(source.Streams, arguments.Source, only) is { } unknown)
            {
                throw new ConfigException(unknown);
            }

            if (source.Streams.First(s => s.Name == only).Kind != StreamKind.Report)
            {
                throw new ConfigException($"--stream {only}: {arguments.Source}.{only} is an entity stream, not windowed by day: a backfill covers report streams only (use 'pipeline sync --source {arguments.Source} --stream {only}')");
            }
        }

        var connections = (await source.ConnectAsync(cancellationToken)).ToList();
        try
        {
            if (arguments.Account is { } wanted && connections.All(c => c.AccountId != wanted))
            {
                throw new ConfigException($"--account {wanted}: no such account of {source.Name} (configured: {string.Join(", ", connections.Select(c => c.AccountId))})");
            }

            var accounts = connections.Where(c => arguments.Account is null || c.AccountId == arguments.Account).ToList();
            return arguments.DryRun ? await DryRunAsync(accounts, cancellationToken) : await BackfillAsync(accounts, cancellationToken);
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private async Task<int> DryRunAsync(List<ISourceConnection> accounts, CancellationToken cancellationToken)
    {
        // Reads only: the warehouse opened read-only when it exists, and answers the platforms give kept in memory.
        IWarehouseEngine? warehouse = null;
        try
        {
            warehouse = warehouses.OpenForReading();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            console.WriteLine($"No warehouse to read past runs from ({OneLine(ex.Message)}): no measured rates, nothing done yet.");
        }

        await using (warehouse)
        {
            var state = new InMemoryAlertState(warehouse?.AlertState);
            var runs = warehouse is null ? [] : (await warehouse.ReadStatusAsync(RunHistory, cancellationToken)).RecentRuns;
            var plan = await PlanAsync(accounts, state, cancellationToken);
            Write(plan, new BackfillRates(runs));
        }

        console.WriteLine("Dry run: nothing was written (only where each account's data starts was asked).");
        return ExitCodes.Ok;
    }

    private async Task<int> BackfillAsync(List<ISourceConnection> accounts, CancellationToken cancellationToken)
    {
        List<BackfillStream> plan;
        await using (var warehouse = await OpenWaitingAsync("planning", cancellationToken))
        {
            await warehouse.MigrateAsync(catalog.Streams, cancellationToken);
            plan = await PlanAsync(accounts, warehouse.AlertState, cancellationToken);
            Write(plan, new BackfillRates((await warehouse.ReadStatusAsync(RunHistory, cancellationToken)).RecentRuns));
        }

        var done = 0;
        long written = 0;
        async Task RunAllAsync(ISyncProgress progress)
        {
            foreach (var connection in accounts)
            {
                var steps = plan.Where(p => p.AccountId == connection.AccountId).ToList();
                var shown = progress.Account(connection.Source, connection.AccountId);
                shown.Planned(steps.Sum(s => s.Remaining.Count));
                foreach (var step in steps)
                {
                    foreach (var window in step.Remaining)
                    {
                        // Ctrl-C is looked at between windows: the window in flight commits (or fails) as a whole first.
                        cancellationToken.ThrowIfCancellationRequested();
                        var outcome = await RunWindowAsync(connection, step, window, cancellationToken);
                        shown.Completed(outcome);
                        if (outcome.Status != SyncRunStatus.Succeeded)
                        {
                            throw new SyncFailedException(
                                $"{step.Source}.{step.Stream} {step.AccountId} {window}: {outcome.Error}; {done} window(s) done, the same command resumes at this window");
                        }

                        done++;
                        written += outcome.Result?.RowsWritten ?? 0;
                    }
                }

                shown.Finished();
            }
        }

        try
        {
            if (console.Profile.Capabilities.Interactive)
            {
                await BarSyncProgress.Create(console).StartAsync(context => RunAllAsync(new BarSyncProgress(context)));
            }
            else
            {
                await RunAllAsync(new PlainSyncProgress(console, new SyncEta(clock)));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var left = plan.Sum(p => p.Remaining.Count) - done;
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Backfill stopped after {done} window(s) of this run; {left} left. Run the same command again to resume."));
            throw;
        }

        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Backfill {run.RunId} done: {done} window(s), {written:N0} rows written."));
        return ExitCodes.Ok;
    }

    /// <summary>
    /// One window: the warehouse (and its writer lock) is held for this window only. Held by a scheduled run, it is
    /// waited for as the scheduler waits (<c>Schedule:BusyWait</c>); Ctrl-C ends the wait, never the window.
    /// </summary>
    private async Task<WindowOutcome> RunWindowAsync(ISourceConnection connection, BackfillStream step, IncrementalWindow window, CancellationToken stop)
    {
        await using var warehouse = await OpenWaitingAsync($"{step.Source}.{step.Stream} {window}", stop);

        var runner = new SyncRunner(warehouse, clock, loggers.CreateLogger<SyncRunner>());
        var request = new SyncRequest(run.RunId)
        {
            Streams = new HashSet<string>(StringComparer.Ordinal) { step.Stream },
            BackfillFrom = window.From,
            BackfillTo = window.To,
        };
        var summary = await runner.SyncAsync(connection, request, CancellationToken.None);
        var outcome = summary.Windows.Single();
        if (outcome.Status == SyncRunStatus.Succeeded)
        {
            // The stream's last window completes its backfill: the key goes, so the same command later reads the range anew.
            var progress = new BackfillProgress(warehouse.AlertState, arguments.From, arguments.To);
            await (window == step.Windows[^1]
                ? progress.CompletedAsync(step.Source, step.Stream, step.AccountId, CancellationToken.None)
                : progress.WindowDoneAsync(step.Source, step.Stream, step.AccountId, window, CancellationToken.None));
        }

        return outcome;
    }

    /// <summary>The warehouse for one step, waiting out another writer up to <c>Schedule:BusyWait</c>.</summary>
    private async Task<IWarehouseEngine> OpenWaitingAsync(string before, CancellationToken stop)
    {
        var warehouse = await Etl.Scheduling.WarehouseOperations.OpenAsync(warehouses, options.Schedule.BusyWait, logger, clock, stop);
        if (warehouse is null || stop.IsCancellationRequested)
        {
            if (warehouse is not null)
            {
                await warehouse.DisposeAsync();
            }

            stop.ThrowIfCancellationRequested();
            throw new WarehouseBusyException(string.Create(CultureInfo.InvariantCulture,
                $"the warehouse stayed busy for {options.Schedule.BusyWait.TotalMinutes:0.#} min (Schedule:BusyWait) before {before}; the same command resumes there"));
        }

        return warehouse;
    }

    private async Task<List<BackfillStream>> PlanAsync(List<ISourceConnection> accounts, IAlertState state, CancellationToken cancellationToken)
    {
        var plan = new List<BackfillStream>();
        var progress = new BackfillProgress(state, arguments.From, arguments.To);
        foreach (var connection in accounts)
        {
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), connection.TimeZone).DateTime);
            var dataStart = await BackfillDataStart.GetAsync(state, connection, today, logger, cancellationToken);
            foreach (var reader in connection.Streams.Where(r => arguments.Stream is null || r.Stream.Name == arguments.Stream))
            {
                if (reader.Stream.Kind != StreamKind.Report)
                {
                    console.WriteLine($"{connection.Source}.{reader.Stream.Name} {connection.AccountId}: entity stream, not windowed by day: not backfilled (a regular sync reads it)");
                    continue;
                }

                var windows = IncrementalWindow.Plan(reader.Stream, null, reader.Settings, today, arguments.From, arguments.To, dataStart);
                var doneThrough = await progress.DoneThroughAsync(connection.Source, reader.Stream.Name, connection.AccountId, cancellationToken);
                plan.Add(new BackfillStream(connection.Source, connection.AccountId, reader.Stream.Name, windows, doneThrough));
            }
        }

        return plan;
    }

    private void Write(List<BackfillStream> plan, BackfillRates rates)
    {
        var table = new Table().Title($"Backfill plan {arguments.Source} {arguments.From:yyyy-MM-dd}..{arguments.To:yyyy-MM-dd}")
            .AddColumns("Account", "Stream", "Windows", "Range")
            .AddColumn(new TableColumn("API calls").RightAligned())
            .AddColumns("Quota cost", "ETA");
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var step in plan)
        {
            var left = step.Remaining;
            var (perWindow, what) = BackfillCost.CallsPerWindow(step.Source);
            var measuredCalls = rates.CallsPerWindow(step.Source, step.Stream);
            var count = left.Count * (measuredCalls ?? perWindow);
            calls[step.Source] = calls.GetValueOrDefault(step.Source) + count;
            var seconds = rates.SecondsPerWindow(step.Source, step.Stream);
            var windows = step.DoneThrough is { } doneThrough
                ? string.Create(CultureInfo.InvariantCulture, $"{left.Count} of {step.Windows.Count} (done through {doneThrough:yyyy-MM-dd})")
                : left.Count.ToString(CultureInfo.InvariantCulture);
            table.AddRow(
                Markup.Escape(step.AccountId),
                step.Stream,
                windows,
                left.Count == 0 ? "nothing left" : $"{left[0].From:yyyy-MM-dd}..{left[^1].To:yyyy-MM-dd}",
                string.Create(CultureInfo.InvariantCulture, $"{count:N0} {(measuredCalls is null ? $"est. ({what})" : "(measured median)")}"),
                Markup.Escape(BackfillCost.Quota(step.Source, count)),
                seconds is { } s
                    ? Markup.Escape(SyncEta.Format(TimeSpan.FromSeconds(s * left.Count)) + string.Create(CultureInfo.InvariantCulture, $" (median {s:0.0} s/window measured)"))
                    : "no measured rate yet");
        }

        if (plan.Count == 0)
        {
            console.WriteLine($"Backfill plan {arguments.Source}: no report stream to backfill.");
            return;
        }

        console.Write(table);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{plan.Sum(p => p.Remaining.Count)} window(s) to run; API calls and quota are estimates, ETA from past windows of each stream."));
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Runs read for medians and resume state; enough for a year of daily windows of several streams.</summary>
    private const int RunHistory = 10_000;
}
