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
    ILogger<DemoCommand> logger) : ICommandHandler
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await using var world = await DemoWorld.StartAsync(today, arguments.Days, cancellationToken);
        logger.LogInformation("Sandbox listening on {Address} with a {Days}-day world ending {Today:yyyy-MM-dd}", world.Sandbox.BaseAddress, arguments.Days, today);

        var services = new ServiceCollection().AddSingleton(clock).AddSingleton(loggers).AddConfiguredSources(world.Sources);
        await using var provider = services.BuildServiceProvider();
        var catalog = new SourceCatalog(provider.GetServices<ISource>());

        await using var warehouse = DuckDbWarehouse.Open(new DuckDbWarehouseOptions { Path = arguments.WarehousePath }, loggers.CreateLogger<DuckDbWarehouse>());
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

        var status = await warehouse.ReadStatusAsync(50, cancellationToken);
        console.MarkupLineInterpolated($"Demo warehouse [bold]{warehouse.Location}[/] (duckdb), run {run.RunId}");
        WriteLayers(status);
        await WriteRunSummaryAsync(cancellationToken);
        await WriteTrafficAsync(today, cancellationToken);
        await WriteAdsAsync(today, cancellationToken);

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
    /// Last 30 days of web traffic by channel straight from staging, ratios from summed numerators and
    /// denominators. The KPI marts replace this once they land.
    /// </summary>
    private async Task WriteTrafficAsync(DateOnly today, CancellationToken cancellationToken)
    {
        await using var connection = new DuckDBConnection($"Data Source={Path.GetFullPath(arguments.WarehousePath)}");
        await connection.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Channel, long Sessions, long Engaged, double KeyEvents, decimal Revenue)>(
            """
            SELECT session_default_channel_group, sum(sessions)::BIGINT, sum(engaged_sessions)::BIGINT, sum(key_events), sum(total_revenue)::DECIMAL(18,2)
            FROM staging.ga4_traffic_daily
            WHERE date > $today - INTERVAL 30 DAY
            GROUP BY 1 ORDER BY 2 DESC
            """,
            new { today });
        var table = new Table().Title("Web traffic, last 30 days (GA4 via the sandbox)")
            .AddColumn("Channel")
            .AddColumn(new TableColumn("Sessions").RightAligned())
            .AddColumn(new TableColumn("Engagement rate").RightAligned())
            .AddColumn(new TableColumn("Key events").RightAligned())
            .AddColumn(new TableColumn("Conversion rate").RightAligned())
            .AddColumn(new TableColumn("Revenue").RightAligned());
        long sessions = 0, engaged = 0;
        double keyEvents = 0;
        decimal revenue = 0;
        foreach (var r in rows)
        {
            table.AddRow(Markup.Escape(r.Channel), N(r.Sessions), Pct(r.Engaged, r.Sessions), r.KeyEvents.ToString("N0", CultureInfo.InvariantCulture),
                Pct(r.KeyEvents, r.Sessions), r.Revenue.ToString("N2", CultureInfo.InvariantCulture));
            (sessions, engaged, keyEvents, revenue) = (sessions + r.Sessions, engaged + r.Engaged, keyEvents + r.KeyEvents, revenue + r.Revenue);
        }

        table.AddRow("[bold]All channels[/]", N(sessions), Pct(engaged, sessions), keyEvents.ToString("N0", CultureInfo.InvariantCulture), Pct(keyEvents, sessions),
            revenue.ToString("N2", CultureInfo.InvariantCulture));
        console.Write(table);
    }

    /// <summary>Last 30 days of Meta ads per ad account, in each account's own currency.</summary>
    private async Task WriteAdsAsync(DateOnly today, CancellationToken cancellationToken)
    {
        await using var connection = new DuckDBConnection($"Data Source={Path.GetFullPath(arguments.WarehousePath)}");
        await connection.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Account, string Currency, long Impressions, long LinkClicks, decimal Spend, decimal Purchases)>(
            """
            SELECT _account_id, account_currency, sum(impressions)::BIGINT, sum(inline_link_clicks)::BIGINT,
                   sum(spend)::DECIMAL(18,2), coalesce(sum(actions_purchase), 0)::DECIMAL(18,0)
            FROM staging.meta_insights_daily
            WHERE date_start > $today - INTERVAL 30 DAY
            GROUP BY 1, 2 ORDER BY 1
            """,
            new { today });
        var table = new Table().Title("Meta ads, last 30 days (per ad account, own currency)")
            .AddColumns("Ad account", "Currency")
            .AddColumn(new TableColumn("Impressions").RightAligned())
            .AddColumn(new TableColumn("Link clicks").RightAligned())
            .AddColumn(new TableColumn("CTR").RightAligned())
            .AddColumn(new TableColumn("Spend").RightAligned())
            .AddColumn(new TableColumn("CPC").RightAligned())
            .AddColumn(new TableColumn("Purchases").RightAligned());
        foreach (var r in rows)
        {
            table.AddRow(Markup.Escape(r.Account), Markup.Escape(r.Currency ?? ""), N(r.Impressions), N(r.LinkClicks), Pct(r.LinkClicks, r.Impressions),
                r.Spend.ToString("N2", CultureInfo.InvariantCulture),
                r.LinkClicks == 0 ? "n/a" : (r.Spend / r.LinkClicks).ToString("N2", CultureInfo.InvariantCulture),
                r.Purchases.ToString("N0", CultureInfo.InvariantCulture));
        }

        console.Write(table);
    }

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string Pct(double numerator, double denominator) =>
        denominator == 0 ? "n/a" : (numerator / denominator).ToString("P1", CultureInfo.InvariantCulture);

    private static readonly (string Schema, string Purpose)[] Layers =
    [
        ("etl", "run log, stream state, rejected records, migration journal"),
        ("staging", "typed source-shaped tables, one per stream"),
        ("dw", "conformed star schema (dimensions and facts)"),
        ("mart", "KPI views for BI tools"),
    ];
}
