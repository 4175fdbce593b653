using System.Globalization;
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

        var table = new Table().Title("Recent sync runs (etl.sync_runs)")
            .AddColumns("Run", "Source", "Stream", "Account", "Window", "Status")
            .AddColumn(new TableColumn("Read").RightAligned())
            .AddColumn(new TableColumn("Written").RightAligned())
            .AddColumn(new TableColumn("Rejected").RightAligned())
            .AddColumn(new TableColumn("API calls").RightAligned())
            .AddColumn(new TableColumn("Seconds").RightAligned())
            .AddColumn("Error");
        foreach (var r in status.RecentRuns)
        {
            var window = r.WindowFrom is null ? "" : $"{r.WindowFrom:yyyy-MM-dd}..{r.WindowTo:yyyy-MM-dd}";
            var seconds = r.FinishedAt is { } f ? (f - r.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) : "";
            table.AddRow(
                Markup.Escape(r.RunId), r.Source, r.Stream, Markup.Escape(r.AccountId), window, r.Status.ToString(),
                N(r.RowsRead), N(r.RowsWritten), N(r.RowsRejected), N(r.ApiCalls), seconds, Markup.Escape(r.Error ?? ""));
        }

        console.Write(table);
    }

    public static void WriteStates(IAnsiConsole console, WarehouseStatus status, DateTime nowUtc)
    {
        if (status.States.Count == 0)
        {
            console.MarkupLine("Stream state (etl.sync_state): nothing loaded yet");
            return;
        }

        var table = new Table().Title("Stream state (etl.sync_state, etl.v_stream_status)")
            .AddColumns("Source", "Stream", "Account", "Cursor", "Last success (UTC)")
            .AddColumn(new TableColumn("Hours since").RightAligned())
            .AddColumns("Last run", "Last error");
        foreach (var s in status.States)
        {
            var since = s.LastSuccessAt is { } at ? (nowUtc - at).TotalHours.ToString("0.0", CultureInfo.InvariantCulture) : "";
            table.AddRow(s.Source, s.Stream, Markup.Escape(s.AccountId), Markup.Escape(s.Cursor ?? ""),
                s.LastSuccessAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "", since,
                s.LastStatus ?? "", Markup.Escape(s.LastError ?? ""));
        }

        console.Write(table);
    }

    /// <summary>Per configured source: its stalest stream's last success against the SLA, and the last 24 h of runs.</summary>
    public static void WriteFreshness(IAnsiConsole console, IReadOnlyList<Etl.Scheduling.SourceFreshness> sources)
    {
        if (sources.Count == 0)
        {
            console.MarkupLine("Freshness: no sources are configured");
            return;
        }

        var table = new Table().Title("Freshness per configured source (stalest stream; runs of the last 24 h)")
            .AddColumns("Source")
            .AddColumn(new TableColumn("Streams").RightAligned())
            .AddColumn("Oldest last success (UTC)")
            .AddColumn(new TableColumn("Hours since").RightAligned())
            .AddColumn(new TableColumn("SLA (h)").RightAligned())
            .AddColumn("State")
            .AddColumn(new TableColumn("Rows 24h").RightAligned())
            .AddColumn(new TableColumn("API calls 24h").RightAligned())
            .AddColumn(new TableColumn("Failed 24h").RightAligned())
            .AddColumn("Last error");
        foreach (var f in sources)
        {
            table.AddRow(
                f.Source, f.Streams.ToString(CultureInfo.InvariantCulture),
                f.OldestSuccessAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "never",
                f.HoursSince?.ToString("0.0", CultureInfo.InvariantCulture) ?? "",
                f.SlaHours.ToString("0.#", CultureInfo.InvariantCulture),
                f.State, N(f.RowsWritten24h), N(f.ApiCalls24h), N(f.FailedWindows24h), Markup.Escape(f.LastError ?? ""));
        }

        console.Write(table);
    }

    public static string Describe(Etl.Scheduling.SourceFreshness f) => f.HoursSince is { } hours
        ? string.Create(CultureInfo.InvariantCulture, $"{f.Source} ({hours:0.0} h > {f.SlaHours:0.#} h)")
        : $"{f.Source} (never synced completely)";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
