using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Cli.Kpi;
using Pipeline.Cli.Output;
using Pipeline.Cli.Report;
using Pipeline.Cli.Report.Delivery;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;
using Pipeline.Etl.Delivery;

namespace Pipeline.Cli.Commands;

internal sealed record ReportArguments(string Period, string Out, bool Send = false, string? Delivery = null);

/// <summary>
/// <c>pipeline report</c>: the KPI report of a period as one self-contained HTML file (Executive, Marketing and
/// Specialist tabs), every number read from the marts. Reads only; prints the file's path.
/// </summary>
internal sealed class ReportCommand(
    WarehouseFactory warehouses,
    PipelineOptions options,
    CliEnvironment env,
    TimeProvider clock,
    ReportArguments arguments,
    IServiceProvider services) : ICommandHandler
{
    public static Command Build(CliEnvironment env, Option<FileInfo?> configOption)
    {
        var period = new Option<string>("--period") { Description = $"Named range relative to today (default {KpiPeriods.Default}); last-Nd end yesterday", DefaultValueFactory = _ => KpiPeriods.Default };
        period.AcceptOnlyFromAmong(KpiPeriods.Names);
        var output = new Option<string>("--out") { Description = "HTML file to write", DefaultValueFactory = _ => "report.html" };
        var report = new Command("report", "Write the KPI report of a period as one self-contained HTML file (executive, marketing, specialist tabs)");
        var send = new Option<bool>("--send") { Description = "Mail the configured Reports deliveries now (their period and tab; --period and --out do not apply)" };
        var delivery = new Option<string?>("--delivery") { Description = "With --send: only this delivery (Reports:N:Name)" };
        report.Options.Add(period);
        report.Options.Add(output);
        report.Options.Add(send);
        report.Options.Add(delivery);
        report.SetAction((p, ct) => CommandHost.RunAsync<ReportCommand>(
            env,
            p.GetValue(configOption),
            s =>
            {
                s.AddSingleton(new ReportArguments(p.GetValue(period)!, p.GetValue(output)!, p.GetValue(send), p.GetValue(delivery)));
                if (p.GetValue(send))
                {
                    s.AddReportDelivery();
                }
            },
            ct));
        return report;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        if (arguments.Send || arguments.Delivery is not null)
        {
            return await SendAsync(cancellationToken);
        }

        if (string.IsNullOrWhiteSpace(arguments.Out) || Directory.Exists(arguments.Out))
        {
            await env.Error.WriteLineAsync($"pipeline: error: --out '{arguments.Out}' must name a file, not a folder");
            return ExitCodes.Usage;
        }

        await using var warehouse = warehouses.OpenForReading();
        if (warehouse.ReadingPublishedCopy is { } note)
        {
            await env.Error.WriteLineAsync(note);
        }

        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Reporting.TimeZone);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var path = await new Feedback(env, clock).RunAsync(
            $"building the {arguments.Period} report",
            () => ReportFile.WriteAsync(warehouse.Reader, ReportRequests.For(arguments.Period, today, now), arguments.Out, cancellationToken));
        await env.Out.WriteLineAsync(path);
        return ExitCodes.Ok;
    }

    /// <summary>Each chosen delivery once; the exit is 1 when any failed (each failure retried, alerted, one line).</summary>
    private async Task<int> SendAsync(CancellationToken cancellationToken)
    {
        if (!arguments.Send)
        {
            await env.Error.WriteLineAsync("pipeline: error: --delivery needs --send");
            return ExitCodes.Usage;
        }

        var chosen = options.Reports.Where(r => arguments.Delivery is null || string.Equals(r.Name, arguments.Delivery, StringComparison.OrdinalIgnoreCase)).ToList();
        if (chosen.Count == 0)
        {
            await env.Error.WriteLineAsync(options.Reports.Count == 0
                ? "pipeline: error: --send needs at least one delivery in the configuration's Reports section"
                : $"pipeline: error: --delivery '{arguments.Delivery}' is not in Reports (configured: {string.Join(", ", options.Reports.Select(r => r.Name))})");
            return ExitCodes.Usage;
        }

        var delivery = services.GetRequiredService<IReportDelivery>();
        var failed = 0;
        foreach (var report in chosen)
        {
            try
            {
                await delivery.SendAsync(report.Name, cancellationToken);
                await env.Out.WriteLineAsync($"sent {report.Name} to {string.Join(", ", report.To)}");
            }
            catch (ReportDeliveryException ex)
            {
                await env.Error.WriteLineAsync($"pipeline: error: {ex.Message}");
                failed++;
            }
        }

        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
