using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Connectors.Streams;
using Pipeline.Etl;
using Pipeline.Etl.Sync;
using Pipeline.Warehouse;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary>What <c>pipeline sync</c> was asked for.</summary>
internal sealed record SyncArguments(string? Source, string? Stream, DateOnly? From, DateOnly? To);

/// <summary>
/// <c>pipeline sync</c>: every configured source account (or one), each stream from its committed cursor, one
/// commit per window. Exit code 1 when any window failed; what committed stays committed.
/// </summary>
internal sealed class SyncCommand(
    WarehouseFactory warehouses,
    SourceCatalog catalog,
    RunContext run,
    TimeProvider clock,
    IAnsiConsole console,
    ILoggerFactory loggers,
    ILogger<SyncCommand> logger,
    Etl.Configuration.PipelineOptions options,
    SyncArguments arguments,
    CliEnvironment env) : ICommandHandler
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var sources = catalog.Sources.Where(s => arguments.Source is null || s.Name == arguments.Source).ToList();
        if (arguments.Source is not null && sources.Count == 0)
        {
            throw new Etl.Configuration.ConfigException(
                $"source '{arguments.Source}' is not configured (configured: {(catalog.Sources.Count == 0 ? "none" : string.Join(", ", catalog.Sources.Select(s => s.Name)))})");
        }

        if (arguments.Stream is not null && StreamNames.Problem(sources.SelectMany(s => s.Streams), arguments.Source, arguments.Stream) is { } unknownStream)
        {
            throw new Etl.Configuration.ConfigException(unknownStream);
        }

        if (sources.Count == 0)
        {
            console.MarkupLine("No sources are configured: add a section under Sources (see README).");
            return ExitCodes.Ok;
        }

        await using var warehouse = warehouses.Open();
        await warehouse.ThrowIfFailedCheckAsync(cancellationToken);
        await warehouse.MigrateAsync(catalog.Streams, cancellationToken);
        var accountsAtOnce = options.Sync.MaxConcurrentAccounts;
        await using var writes = new SingleWriterWarehouse(warehouse);
        var runner = new SyncRunner(accountsAtOnce > 1 ? writes : warehouse, clock, loggers.CreateLogger<SyncRunner>());
        var request = new SyncRequest(run.RunId)
        {
            Streams = arguments.Stream is null ? null : new HashSet<string>(StringComparer.Ordinal) { arguments.Stream },
            BackfillFrom = arguments.From,
            BackfillTo = arguments.To,
        };

        var summaries = new List<SyncSummary>();
        var connectFailures = new List<string>();
        async Task SyncAllAsync(ISyncProgress progress)
        {
            foreach (var source in sources)
            {
                IReadOnlyList<ISourceConnection> connections;
                try
                {
                    connections = await source.ConnectAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One source refusing to connect (credentials, settings) must not keep the others from syncing.
                    logger.LogWarning("{Source}: could not connect: {Error}", source.Name, ex.Message);
                    using (logger.BeginScope(new Dictionary<string, object> { [Logging.PipelineLogging.FileOnly] = true }))
                    {
                        logger.LogError(ex, "{Source}: could not connect", source.Name);
                    }

                    connectFailures.Add($"{source.Name}: {ex.Message}");
                    await ConnectFailureLog.RecordAsync(warehouse.RunLog, run.RunId, source.Name, AccountLabels(source.Name), ex.Message, clock.GetUtcNow().UtcDateTime, logger);
                    progress.ConnectFailed(source.Name);
                    continue;
                }

                // Accounts of a source may sync side by side (Sync:MaxConcurrentAccounts); their writes take turns.
                var turns = new Lock();
                var done = await AccountFanOut.RunAsync(connections, accountsAtOnce, async (connection, ct) =>
                {
                    await using (connection)
                    {
                        // One bar (or one line per window without a terminal) per account.
                        IAccountSyncProgress shown;
                        lock (turns)
                        {
                            shown = progress.Account(source.Name, connection.AccountId);
                        }

                        var perAccount = request with
                        {
                            Planned = new InlineProgress<int>(n => { lock (turns) { shown.Planned(n); } }),
                            Progress = new InlineProgress<WindowOutcome>(w => { lock (turns) { shown.Completed(w); } }),
                        };
                        var summary = await runner.SyncAsync(connection, perAccount, ct);
                        lock (turns)
                        {
                            shown.Finished();
                        }

                        return summary;
                    }
                }, cancellationToken);
                summaries.AddRange(done);
            }
        }

        if (console.Profile.Capabilities.Interactive)
        {
            await BarSyncProgress.Create(console).StartAsync(context => SyncAllAsync(new BarSyncProgress(context)));
        }
        else
        {
            await SyncAllAsync(new PlainSyncProgress(console, new SyncEta(clock)));
        }

        Write(summaries);
        var martsFailed = !await MartRefreshStep.RunAsync(warehouse, summaries, env, logger, cancellationToken);
        // What was loaded may hold money in a currency without a rate: say so now, not when a total looks small. Only
        // a warning: when the warehouse cannot answer (its disk just filled up), the failure below is what the run ends on.
        try
        {
            foreach (var line in await FxWarnings.ReadAsync(warehouse.Reader, cancellationToken))
            {
                await env.Error.WriteLineAsync(line);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException && (martsFailed || summaries.Any(s => s.Windows.Any(w => w.Status != SyncRunStatus.Succeeded))))
        {
            logger.LogWarning("Could not check for money without an FX rate: {Error}", ex.Message);
        }

        if (connectFailures.Count > 0)
        {
            throw new SyncFailedException($"{connectFailures.Count} source(s) could not connect; first: {connectFailures[0]}");
        }

        var failed = summaries.SelectMany(s => s.Windows.Where(w => w.Status != SyncRunStatus.Succeeded).Select(w => (s, w))).ToList();
        if (failed.Count > 0)
        {
            var (s, w) = failed[0];
            throw new SyncFailedException($"{failed.Count} window(s) failed; first: {s.Source}.{w.Stream} {s.AccountId} {w.Window}: {w.Error}");
        }

        return martsFailed ? ExitCodes.Failed : ExitCodes.Ok;
    }

    /// <summary>The source's configured accounts as the scheduler labels them, so both paths write the same rows.</summary>
    private List<string> AccountLabels(string source) =>
        [.. Etl.Scheduling.ScheduledAccount.FromConfiguration(options.Sources).Where(a => a.Source == source).Select(a => a.Label)];

    private void Write(IReadOnlyList<SyncSummary> summaries)
    {
        var table = new Table().Title($"Sync run {run.RunId}")
            .AddColumns("Source", "Account", "Stream", "Window", "Status")
            .AddColumn(new TableColumn("Read").RightAligned())
            .AddColumn(new TableColumn("Written").RightAligned())
            .AddColumn(new TableColumn("Rejected").RightAligned())
            .AddColumn("Error");
        foreach (var summary in summaries)
        {
            // Windows without data are summed up per stream below instead of a "0 rows" row each.
            foreach (var w in summary.Windows.Where(w => !w.IsEmpty))
            {
                table.AddRow(summary.Source, Markup.Escape(summary.AccountId), w.Stream, w.Window, w.Status.ToString(),
                    N(w.Result?.RowsRead), N(w.Result?.RowsWritten), N(w.Result?.RowsRejected), Markup.Escape(w.Error ?? ""));
            }
        }

        if (table.Rows.Count > 0)
        {
            console.Write(table);
        }
        else
        {
            console.WriteLine($"Sync run {run.RunId}: no window held rows");
        }

        foreach (var line in summaries.SelectMany(EmptyWindowLines.For))
        {
            console.WriteLine(line);
        }
    }

    private static string N(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "";
}

/// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and reorder updates).</summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

/// <summary>Some windows failed; the message names the first.</summary>
public sealed class SyncFailedException : Exception
{
    public SyncFailedException(string message) : base(message) { }

    public SyncFailedException() { }

    public SyncFailedException(string message, Exception inner) : base(message, inner) { }
}
