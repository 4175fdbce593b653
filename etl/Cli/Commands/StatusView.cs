using System.Globalization;
using Pipeline.Cli.Output;
using Pipeline.Connectors.Modules;
using Pipeline.Warehouse;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary>Renders what the warehouse holds: objects per schema with row counts, recent runs, stream state.</summary>
internal static class StatusView
{
    public static void WriteObjects(IAnsiConsole console, WarehouseStatus status)
    {
        var table = new Table().Title("Warehouse objects").AddColumns("Schema", "Object", "Kind").AddColumn(new TableColumn("Rows").RightAligned());
        foreach (var o in status.Objects)
        {
            table.AddRow(o.Schema, Markup.Escape(o.Name), o.Kind, o.Rows?.ToString("N0", CultureInfo.InvariantCulture) ?? "");
        }

        console.Write(table);
    }

    public static void WriteRuns(IAnsiConsole console, WarehouseStatus status)
    {
        if (status.RecentRuns.Count == 0)
        {
            console.MarkupLine("Sync runs (etl.sync_runs): none yet");
            return;
        }

        const string title = "Recent sync runs (etl.sync_runs)";
        Table Build(Func<string?, string> error)
        {
            var table = new Table().Title(title)
                .AddColumns(Ids("Run", "Source", "Stream", "Account", "Window", "Status"))
                .AddColumns(Numbers("Read", "Written", "Rejected", "API calls", "Seconds"))
                .AddColumn("Error");
            foreach (var r in status.RecentRuns)
            {
                table.AddRow(
                    Markup.Escape(r.RunId), r.Source, r.Stream, Markup.Escape(r.AccountId), Window(r), r.Status.ToString(),
                    N(r.RowsRead), N(r.RowsWritten), N(r.RowsRejected), N(r.ApiCalls), Seconds(r), error(r.Error));
            }

            return table;
        }

        if (FitsWithWrappedErrors(console, Build))
        {
            console.Write(Build(Full));
            return;
        }

        // Too narrow for twelve columns: a block per run, words wrap at spaces, ids and numbers stay whole.
        console.MarkupLine($"[bold]{title}[/]");
        foreach (var r in status.RecentRuns)
        {
            var what = string.Join(' ', new[] { r.RunId, $"{r.Source}.{r.Stream}", r.AccountId, Window(r) }.Where(p => p.Length > 0));
            console.MarkupLine(Markup.Escape(
                $"{what} {r.Status}: read {N(r.RowsRead)} · written {N(r.RowsWritten)} · rejected {N(r.RowsRejected)} · {N(r.ApiCalls)} API calls"
                + (Seconds(r) is { Length: > 0 } seconds ? $" · {seconds} s" : "")));
            ErrorLine(console, r.Error);
        }
    }

    /// <summary>Cursors longer than this are shortened in the middle (both ends of an id or a timestamp differ).</summary>
    internal const int CursorWidth = 32;

    public static void WriteStates(IAnsiConsole console, WarehouseStatus status, DateTime nowUtc)
    {
        if (status.States.Count == 0)
        {
            console.MarkupLine("Stream state (etl.sync_state): nothing loaded yet");
            return;
        }

        const string title = "Stream state (etl.sync_state, etl.v_stream_status)";
        Table Build(Func<string?, string> error)
        {
            var table = new Table().Title(title)
                .AddColumns(Ids("Source", "Stream", "Account", "Cursor", "Last success (UTC)"))
                .AddColumns(Numbers("Hours since"))
                .AddColumns(Ids("Last run"))
                .AddColumn("Last error");
            foreach (var s in status.States)
            {
                table.AddRow(s.Source, s.Stream, Markup.Escape(s.AccountId), Markup.Escape(Cursor(s)), LastSuccess(s), HoursSince(s, nowUtc),
                    s.LastStatus ?? "", error(s.LastError));
            }

            return table;
        }

        if (FitsWithWrappedErrors(console, Build))
        {
            console.Write(Build(Full));
            return;
        }

        // Too narrow: a block per stream; the cursor is one word, so it is never split over lines.
        console.MarkupLine($"[bold]{title}[/]");
        foreach (var s in status.States)
        {
            var since = HoursSince(s, nowUtc) is { Length: > 0 } hours ? $" ({hours} h ago)" : "";
            console.MarkupLine(Markup.Escape($"{s.Source}.{s.Stream} {s.AccountId}: cursor {(s.Cursor is null ? "none" : Cursor(s))}"));
            console.MarkupLine(Markup.Escape($"    last success {(s.LastSuccessAt is null ? "never" : LastSuccess(s) + " UTC")}{since} · last run {s.LastStatus ?? "none"}"));
            ErrorLine(console, s.LastError);
        }
    }

    /// <summary>Per configured source: its stalest stream's last success against the SLA, and the last 24 h of runs.</summary>
    public static void WriteFreshness(IAnsiConsole console, IReadOnlyList<Etl.Scheduling.SourceFreshness> sources)
    {
        if (sources.Count == 0)
        {
            console.MarkupLine("Freshness: no sources are configured");
            return;
        }

        const string title = "Freshness per configured source (stalest stream; runs of the last 24 h)";
        Table Build(Func<string?, string> error)
        {
            var table = new Table().Title(title)
                .AddColumns(Ids("Source"))
                .AddColumns(Numbers("Streams"))
                .AddColumns(Ids("Oldest last success (UTC)"))
                .AddColumns(Numbers("Hours since", "SLA (h)"))
                .AddColumns(Ids("State"))
                .AddColumns(Numbers("Rows 24h", "API calls 24h", "Failed 24h"))
                .AddColumn("Last error");
            foreach (var f in sources)
            {
                table.AddRow(
                    f.Source, f.Streams.ToString(CultureInfo.InvariantCulture), OldestSuccess(f),
                    f.HoursSince?.ToString("0.0", CultureInfo.InvariantCulture) ?? "",
                    f.SlaHours.ToString("0.#", CultureInfo.InvariantCulture),
                    f.State, N(f.RowsWritten24h), N(f.ApiCalls24h), N(f.FailedWindows24h), error(f.LastError));
            }

            return table;
        }

        if (FitsWithWrappedErrors(console, Build))
        {
            console.Write(Build(Full));
            return;
        }

        console.MarkupLine($"[bold]{Markup.Escape(title)}[/]");
        foreach (var f in sources)
        {
            var since = f.HoursSince is { } h ? string.Create(CultureInfo.InvariantCulture, $" ({h:0.0} h ago)") : "";
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{f.Source}: {f.State} · {f.Streams} streams · oldest last success {OldestSuccess(f)}{since}, SLA {f.SlaHours:0.#} h · ")
                + $"24 h: {N(f.RowsWritten24h)} rows, {N(f.ApiCalls24h)} API calls, {N(f.FailedWindows24h)} failed"));
            ErrorLine(console, f.LastError);
        }
    }

    /// <summary>Platform API versions in use with their published end; "⚠" marks one at or within 90 days of it.</summary>
    public static void WriteApiVersions(IAnsiConsole console, IReadOnlyList<ApiVersionCheck> checks)
    {
        if (checks.Count == 0)
        {
            return;
        }

        // API names and the note may wrap; source, version and date stay whole so an 80-column console still reads them.
        var table = new Table().Title(string.Create(CultureInfo.InvariantCulture, $"API versions (end-of-life table as of {ApiLifecycle.AsOf:yyyy-MM-dd})"))
            .AddColumns(Ids("Source")).AddColumn("API").AddColumns(Ids("Version", "End of life")).AddColumn("Note");
        foreach (var c in checks)
        {
            var note = c.DaysLeft switch
            {
                < 0 => "⚠ ENDED",
                { } days => string.Create(CultureInfo.InvariantCulture, $"{(c.Warn ? "⚠ " : "")}{days} days left"),
                null => "",
            };
            table.AddRow(c.Source, Markup.Escape(c.Api), Markup.Escape(c.Version), Markup.Escape(c.End), note);
        }

        console.Write(table);
    }

    public static string Describe(Etl.Scheduling.SourceFreshness f) => f.HoursSince is { } hours
        ? string.Create(CultureInfo.InvariantCulture, $"{f.Source} ({hours:0.0} h > {f.SlaHours:0.#} h)")
        : f.LastError is null ? $"{f.Source} (never synced completely)" : $"{f.Source} (never synced: its last run failed, error above)";

    /// <summary>The stored cursor, shortened in the middle when long, so a column or a line can hold it whole.</summary>
    internal static string Cursor(StreamState state) => state.Cursor is null ? "" : Shorten.Middle(state.Cursor, CursorWidth);

    private static string LastSuccess(StreamState s) => s.LastSuccessAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "";

    private static string HoursSince(StreamState s, DateTime nowUtc) =>
        s.LastSuccessAt is { } at ? (nowUtc - at).TotalHours.ToString("0.0", CultureInfo.InvariantCulture) : "";

    private static string OldestSuccess(Etl.Scheduling.SourceFreshness f) =>
        f.OldestSuccessAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "never";

    private static string Window(SyncRunRecord r) => r.WindowFrom is null ? "" : $"{r.WindowFrom:yyyy-MM-dd}..{r.WindowTo:yyyy-MM-dd}";

    private static string Seconds(SyncRunRecord r) =>
        r.FinishedAt is { } f ? (f - r.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) : "";

    /// <summary>Error text may wrap to this many columns in a table; narrower than that, the block layout reads better.</summary>
    private const int ErrorWidth = 30;

    /// <summary>
    /// Whether a table fits the console once its error column wraps to <see cref="ErrorWidth"/>: every other column
    /// (ids, times, numbers) never wraps, so Spectre.Console narrows only the error column to make it fit.
    /// </summary>
    private static bool FitsWithWrappedErrors(IAnsiConsole console, Func<Func<string?, string>, Table> build) =>
        TableFit.Fits(console, build(e => Markup.Escape(Shorten.Middle(e ?? "", ErrorWidth))));

    private static string Full(string? error) => Markup.Escape(error ?? "");

    private static TableColumn[] Ids(params string[] headers) => headers.Select(h => new TableColumn(h).NoWrap()).ToArray();

    private static TableColumn[] Numbers(params string[] headers) => headers.Select(h => new TableColumn(h).RightAligned().NoWrap()).ToArray();

    /// <summary>An error under its row, indented; prose, so it wraps at spaces.</summary>
    private static void ErrorLine(IAnsiConsole console, string? error)
    {
        if (!string.IsNullOrEmpty(error))
        {
            console.MarkupLine(Markup.Escape($"    error: {error}"));
        }
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
