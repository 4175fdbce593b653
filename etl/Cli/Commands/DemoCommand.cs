using System.Globalization;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Cli.Demo;
using Pipeline.Connectors.Streams;
using Pipeline.Etl;
using Pipeline.Etl.Sync;
using Pipeline.Warehouse.DuckDb;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

internal sealed record DemoArguments(string WarehousePath, int Days);

/// <summary>
/// <c>pipeline demo</c>: starts the sandbox, syncs every connector of this build from it into its own embedded
/// warehouse (never the configured one, so demo rows cannot mix with real data), and prints the layers, the run
/// table and the numbers.
/// </summary>
internal sealed class DemoCommand(
    DemoArguments arguments,
    RunContext run,
    TimeProvider clock,
    IAnsiConsole console,
    ILoggerFactory loggers,
    CliEnvironment env,
    ILogger<DemoCommand> logger) : ICommandHandler
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var filesFolder = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(arguments.WarehousePath))!, "demo-files");
        await using var world = await DemoWorld.StartAsync(today, arguments.Days, filesFolder, cancellationToken);
        logger.LogInformation("Sandbox listening on {Address} with a {Days}-day world ending {Today:yyyy-MM-dd}", world.Sandbox.BaseAddress, arguments.Days, today);

        var services = new ServiceCollection().AddSingleton(clock).AddSingleton(loggers).AddConfiguredSources(world.Sources);
        await using var provider = services.BuildServiceProvider();
        var catalog = new SourceCatalog(provider.GetServices<ISource>());

        await using var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = arguments.WarehousePath, Reporting = DemoReporting }, loggers.CreateLogger<DuckDbWarehouse>());
        await warehouse.MigrateAsync(catalog.Streams, cancellationToken);
        var runner = new SyncRunner(warehouse, clock, loggers.CreateLogger<SyncRunner>());
        var summaries = new List<SyncSummary>();
        await console.Status().StartAsync("Syncing the sandbox world", async ctx =>
        {
            foreach (var source in catalog.Sources)
            {
                ctx.Status($"Syncing {source.Name}");
                foreach (var connection in await source.ConnectAsync(cancellationToken))
                {
                    await using (connection)
                    {
                        summaries.Add(await runner.SyncAsync(connection, new SyncRequest(run.RunId), cancellationToken));
                    }
                }
            }
        });

        if (!await MartRefreshStep.RunAsync(warehouse, summaries, env, logger, cancellationToken))
        {
            throw new SyncFailedException("the mart tables could not be refreshed after the demo sync (see the error above)");
        }

        var status = await warehouse.ReadStatusAsync(50, cancellationToken);
        console.MarkupLineInterpolated($"Demo warehouse [bold]{warehouse.Location}[/] (duckdb), run {run.RunId}");
        WriteLayers(status);
        await WriteRunSummaryAsync(cancellationToken);
        await WriteExecutiveDashboardAsync(today, cancellationToken);

        // The KPI report of the last 30 days beside the demo warehouse (data/demo-report.html for data/demo.duckdb).
        var reportPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(arguments.WarehousePath))!,
            Path.GetFileNameWithoutExtension(arguments.WarehousePath) + "-report.html");
        reportPath = await Report.ReportFile.WriteAsync(
            warehouse.Reader, Report.ReportRequests.For(Kpi.KpiPeriods.Default, today, clock.GetUtcNow()), reportPath, cancellationToken);
        console.MarkupLineInterpolated($"KPI report (last 30 days): [bold]{reportPath}[/]");

        var failed = summaries.SelectMany(s => s.Windows).Where(w => w.Error is not null).ToList();
        if (failed.Count > 0)
        {
            throw new SyncFailedException($"{failed.Count} demo window(s) failed; first: {failed[0].Stream} {failed[0].Window}: {failed[0].Error}");
        }

        return ExitCodes.Ok;
    }

    private void WriteLayers(Warehouse.WarehouseStatus status)
    {
        var schemas = new Table().Title("Schemas").AddColumns("Schema", "Purpose", "Objects");
        foreach (var (schema, purpose) in Layers)
        {
            var objects = status.Objects.Where(o => o.Schema == schema)
                .Select(o => o.Rows is { } rows ? $"{o.Name} ({rows.ToString("N0", CultureInfo.InvariantCulture)})" : o.Name).ToList();
            schemas.AddRow(schema, purpose, Markup.Escape(objects.Count == 0 ? "(none yet)" : string.Join(", ", objects)));
        }

        console.Write(schemas);
    }

    /// <summary>This run's rows of <c>etl.sync_runs</c> per source and stream (one row per window would be long).</summary>
    private async Task WriteRunSummaryAsync(CancellationToken cancellationToken)
    {
        await using var connection = new DuckDBConnection($"Data Source={Path.GetFullPath(arguments.WarehousePath)}");
        await connection.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Source, string Stream, long Accounts, long Windows, long Read, long Written, long Rejected, long Calls, string Statuses)>(
            """
            SELECT source, stream, count(DISTINCT account_id), count(*), sum(rows_read)::BIGINT, sum(rows_written)::BIGINT,
                   sum(rows_rejected)::BIGINT, sum(api_calls)::BIGINT, string_agg(DISTINCT status, ', ' ORDER BY status)
            FROM etl.sync_runs WHERE run_id = $run
            GROUP BY 1, 2 ORDER BY 1, 2
            """,
            new { run = run.RunId });
        var table = new Table().Title($"Sync run {run.RunId} (etl.sync_runs, per stream)")
            .AddColumns("Source", "Stream")
            .AddColumn(new TableColumn("Accounts").RightAligned())
            .AddColumn(new TableColumn("Windows").RightAligned())
            .AddColumn(new TableColumn("Read").RightAligned())
            .AddColumn(new TableColumn("Written").RightAligned())
            .AddColumn(new TableColumn("Rejected").RightAligned())
            .AddColumn(new TableColumn("API calls").RightAligned())
            .AddColumn("Status");
        foreach (var r in rows)
        {
            table.AddRow(r.Source, r.Stream, N(r.Accounts), N(r.Windows), N(r.Read), N(r.Written), N(r.Rejected), N(r.Calls), r.Statuses);
        }

        console.Write(table);
    }

    /// <summary>
    /// The executive dashboard (mart.dashboard_executive) of the last complete month by channel, the months before
    /// it, and this month's targets (mart.kpi_target_progress): the numbers BI users read, straight from the marts.
    /// </summary>
    private async Task WriteExecutiveDashboardAsync(DateOnly today, CancellationToken cancellationToken)
    {
        await using var connection = new DuckDBConnection($"Data Source={Path.GetFullPath(arguments.WarehousePath)}");
        await connection.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ExecutiveRow>(
            """
            SELECT CAST(period_start AS TIMESTAMP) AS PeriodStart, channel AS Channel, is_total AS IsTotal, currency AS Currency,
                   revenue AS Revenue, revenue_share AS RevenueShare, sales_growth AS SalesGrowth,
                   CAST(marketing_cost AS DOUBLE) AS MarketingCost, roi AS Roi, CAST(new_customers AS DOUBLE) AS NewCustomers,
                   cac AS Cac, aov AS Aov, ltv_historic AS LtvHistoric, ltv_to_cac AS LtvToCac, period_complete AS PeriodComplete,
                   roi_paid AS RoiPaid, cac_paid AS CacPaid, status AS Status, status_reason AS StatusReason
            FROM mart.dashboard_executive
            WHERE grain = 'month'
            ORDER BY period_start, is_total, revenue DESC NULLS LAST
            """)).ToList();
        // The last complete month; a short demo world has none, then the running month (to date).
        var totals = rows.Where(r => r.IsTotal && (r.Revenue is not null || r.MarketingCost is not null)).ToList();
        var month = totals.Where(r => r.PeriodComplete).Select(r => (DateTime?)r.PeriodStart).LastOrDefault()
            ?? totals.Select(r => (DateTime?)r.PeriodStart).LastOrDefault();
        if (month is null)
        {
            console.MarkupLine("[yellow]No revenue or cost in the marts yet; nothing to show on the executive dashboard.[/]");
            return;
        }

        var currency = rows.First(r => r.Currency is not null).Currency;
        var toDate = DateOnly.FromDateTime(month.Value).AddMonths(1) > today ? " to date" : "";
        var byChannel = new Table().Title($"Executive dashboard, {month:MMMM yyyy}{toDate} (mart.dashboard_executive, {currency})")
            .AddColumn("Channel");
        foreach (var heading in new[] { "Revenue", "Share", "Growth MoM", "Marketing cost", "ROI (blended)", "ROI (paid)", "New customers", "CAC (blended)", "CAC (paid)", "AOV", "LTV (historic)", "LTV:CAC" })
        {
            byChannel.AddColumn(new TableColumn(heading).RightAligned());
        }

        byChannel.AddColumn("Status");
        var channelRows = rows.Where(r => r.PeriodStart == month && (r.Revenue is not null || r.MarketingCost is not null)).ToList();
        foreach (var r in channelRows)
        {
            byChannel.AddRow(
                r.IsTotal ? "[bold]All channels[/]" : Markup.Escape(r.Channel), Money(r.Revenue), Percent(r.RevenueShare), Percent(r.SalesGrowth), Money(r.MarketingCost),
                Roi(r.Roi, r), Roi(r.RoiPaid, r), Number(r.NewCustomers), Money(r.Cac, r), Money(r.CacPaid, r), Money(r.Aov), Money(r.LtvHistoric), Times(r.LtvToCac), StatusCell(r.Status));
        }

        console.Write(byChannel);
        WriteReasons(channelRows.Select(r => (r.IsTotal ? "All channels" : r.Channel, r.Status, r.StatusReason)));

        var trend = new Table().Title("All channels by month").AddColumn("Month");
        foreach (var heading in new[] { "Revenue", "Growth MoM", "Marketing cost", "ROI (blended)", "ROI (paid)", "New customers", "CAC (blended)", "CAC (paid)", "LTV:CAC" })
        {
            trend.AddColumn(new TableColumn(heading).RightAligned());
        }

        trend.AddColumn("Status");
        var months = rows.Where(r => r.IsTotal && r.Revenue is not null).TakeLast(6).ToList();
        foreach (var r in months)
        {
            // The marker beside the month: a partial (◐) or provisional (~) month is read as such before its numbers.
            var marker = Kpi.KpiStatus.Marker(r.Status);
            trend.AddRow(r.PeriodStart.ToString("yyyy-MM", CultureInfo.InvariantCulture) + (DateOnly.FromDateTime(r.PeriodStart).AddMonths(1) > today ? " (to date)" : "") + (marker.Length > 0 ? " " + marker : ""),
                Money(r.Revenue), Percent(r.SalesGrowth), Money(r.MarketingCost), Roi(r.Roi, r), Roi(r.RoiPaid, r), Number(r.NewCustomers), Money(r.Cac, r), Money(r.CacPaid, r),
                Times(r.LtvToCac), StatusCell(r.Status));
        }

        console.Write(trend);
        WriteReasons(months.Select(r => (r.PeriodStart.ToString("yyyy-MM", CultureInfo.InvariantCulture), r.Status, r.StatusReason)));

        var targets = (await connection.QueryAsync<(string Kpi, string Segment, DateTime From, DateTime To, double Target, double? Actual, double? Projected, string Status)>(
            """
            SELECT kpi_name, segment, CAST(period_start AS TIMESTAMP), CAST(period_end AS TIMESTAMP), CAST(target AS DOUBLE), CAST(actual AS DOUBLE), CAST(projected AS DOUBLE), status
            FROM mart.kpi_target_progress
            WHERE period_end >= (SELECT max(date) FROM dw.kpi_measure_daily WHERE platform = 'ga4')
            ORDER BY period_end - period_start, kpi_name, segment
            """)).ToList();
        if (targets.Count > 0)
        {
            var table = new Table().Title("Targets (mart.kpi_target_progress)").AddColumns("KPI", "Segment", "Period")
                .AddColumn(new TableColumn("Target").RightAligned()).AddColumn(new TableColumn("Actual").RightAligned())
                .AddColumn(new TableColumn("Projected").RightAligned()).AddColumn("Status");
            foreach (var t in targets)
            {
                var colour = t.Status switch { "on track" or "achieved" => "green", "off track" or "missed" => "red", _ => "grey" };
                table.AddRow(Markup.Escape(t.Kpi), Markup.Escape(t.Segment), $"{t.From:yyyy-MM-dd}..{t.To:yyyy-MM-dd}", Plain(t.Target), Plain(t.Actual), Plain(t.Projected),
                    $"[{colour}]{Markup.Escape(t.Status)}[/]");
            }

            console.Write(table);
        }

        console.MarkupLine("More in the marts of this file: mart.kpi_values, mart.kpi_trends, mart.kpi_anomalies, mart.dashboard_marketing, mart.dashboard_specialist, mart.funnel_monthly, mart.customer_cohorts, mart.customer_retention.");
    }

    /// <summary>
    /// Under a table: what ◐ and ~ mean, then the reasons: what every row shares once ("every row: provisional: 30 deals
    /// …"), then what a row adds, so a partial month is never read as a collapse and the list stays short.
    /// </summary>
    private void WriteReasons(IEnumerable<(string Row, string? Status, string? Reason)> rows)
    {
        var flagged = rows.Where(r => Kpi.KpiStatus.IsIncomplete(r.Status) || r.Reason is not null).ToList();
        if (flagged.Count == 0)
        {
            return;
        }

        console.WriteLine($"{Kpi.KpiStatus.PartialMarker} partial: not every day of the period is loaded from every source · {Kpi.KpiStatus.ProvisionalMarker} provisional: a source may still restate it");
        var common = flagged.Count > 1 && flagged.Select(r => r.Status).Distinct().Count() == 1
            ? flagged.Select(r => (IEnumerable<string>)Kpi.KpiStatus.Parts(r.Reason)).Aggregate((a, b) => a.Intersect(b, StringComparer.Ordinal)).ToList()
            : [];
        if (common.Count > 0)
        {
            console.WriteLine($"  every row: {Kpi.KpiStatus.Summarize(flagged[0].Status, common)}");
        }

        foreach (var (row, status, reason) in flagged)
        {
            var own = Kpi.KpiStatus.Parts(reason).Except(common, StringComparer.Ordinal).ToList();
            if (own.Count > 0)
            {
                console.WriteLine($"  {row}: {Kpi.KpiStatus.Summarize(common.Count > 0 ? null : status, own)}");
            }
        }
    }

    private static string StatusCell(string? status) => status is null ? "" : Markup.Escape($"{Kpi.KpiStatus.Marker(status)} {status}".Trim());

    /// <summary>ROI as a multiple, as before; "cost unknown" where the mart has none for want of a cost source.</summary>
    private static string Roi(double? v, ExecutiveRow row) => v is not null ? Times(v) : CostUnknownOr(row);

    private static string Money(double? v, ExecutiveRow row) => v is not null ? Money(v) : CostUnknownOr(row);

    private static string CostUnknownOr(ExecutiveRow row) => Kpi.KpiStatus.IsCostUnknown(null, row.StatusReason) ? Kpi.KpiStatus.CostUnknown : "–";

    private static string Money(double? v) => v is { } x ? x.ToString("N2", CultureInfo.InvariantCulture) : "–";

    private static string Plain(double? v) => v is { } x ? x.ToString(Math.Abs(x) >= 100 || x == Math.Round(x) ? "N0" : "N2", CultureInfo.InvariantCulture) : "–";

    private static string Percent(double? v) => v is { } x ? x.ToString("P1", CultureInfo.InvariantCulture) : "–";

    private static string Times(double? v) => v is { } x ? x.ToString("0.0", CultureInfo.InvariantCulture) + "×" : "–";

    private static string Number(double? v) => v is { } x ? x.ToString("N0", CultureInfo.InvariantCulture) : "–";

    private sealed record ExecutiveRow
    {
        public DateTime PeriodStart { get; init; }

        public string Channel { get; init; } = "";

        public bool IsTotal { get; init; }

        public string? Currency { get; init; }

        public double? Revenue { get; init; }

        public double? RevenueShare { get; init; }

        public double? SalesGrowth { get; init; }

        public double? MarketingCost { get; init; }

        public double? Roi { get; init; }

        public double? NewCustomers { get; init; }

        public double? Cac { get; init; }

        public double? Aov { get; init; }

        public double? LtvHistoric { get; init; }

        public double? LtvToCac { get; init; }

        public bool PeriodComplete { get; init; }

        public double? RoiPaid { get; init; }

        public double? CacPaid { get; init; }

        public string? Status { get; init; }

        public string? StatusReason { get; init; }
    }

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The sandbox business reports in euros from Berlin (its GA4 property's zone).</summary>
    private static readonly Warehouse.ReportingSettings DemoReporting = new() { Currency = "EUR", TimeZone = "Europe/Berlin" };

    private static readonly (string Schema, string Purpose)[] Layers =
    [
        ("etl", "run log, stream state, rejected records, migration journal"),
        ("staging", "typed source-shaped tables, one per stream"),
        ("dw", "conformed star schema (dimensions and facts)"),
        ("mart", "KPI views for BI tools"),
    ];
}
