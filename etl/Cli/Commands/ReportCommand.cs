using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Cli.Kpi;
using Pipeline.Cli.Output;
using Pipeline.Cli.Report;
using Pipeline.Etl;
using Pipeline.Etl.Configuration;

namespace Pipeline.Cli.Commands;

internal sealed record ReportArguments(string Period, string Out);

/// <summary>
/// <c>pipeline report</c>: the KPI report of a period as one self-contained HTML file (Executive, Marketing and
/// Specialist tabs), every number read from the marts. Reads only; prints the file's path.
/// </summary>
internal sealed class ReportCommand(
    WarehouseFactory warehouses,
    PipelineOptions options,
    CliEnvironment env,
    TimeProvider clock,
    ReportArguments arguments) : ICommandHandler
{
    public static Command Build(CliEnvironment env, Option<FileInfo?> configOption)
    {
        var period = new Option<string>("--period") { Description = $"Named range relative to today (default {KpiPeriods.Default}); last-Nd end yesterday", DefaultValueFactory = _ => KpiPeriods.Default };
        period.AcceptOnlyFromAmong(KpiPeriods.Names);
        var output = new Option<string>("--out") { Description = "HTML file to write", DefaultValueFactory = _ => "report.html" };
        var report = new Command("report", "Write the KPI report of a period as one self-contained HTML file (executive, marketing, specialist tabs)");
        report.Options.Add(period);
        report.Options.Add(output);
        report.SetAction((p, ct) => CommandHost.RunAsync<ReportCommand>(
            env, p.GetValue(configOption), s => s.AddSingleton(new ReportArguments(p.GetValue(period)!, p.GetValue(output)!)), ct));
        return report;
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
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
}
