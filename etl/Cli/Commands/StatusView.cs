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

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
