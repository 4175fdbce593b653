using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Cli.Commands;
using Pipeline.Cli.Kpi;
using Pipeline.Etl.Configuration;
using Pipeline.Warehouse;

namespace Pipeline.Cli;

/// <summary>
/// The <c>pipeline</c> command line. Every failure ends as one line on stderr and a non-zero exit code
/// (<see cref="ExitCodes"/>); stdout carries only results.
/// </summary>
public static class PipelineCli
{
    public static Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default) =>
        RunAsync(args, CliEnvironment.FromConsole(), cancellationToken);

    public static async Task<int> RunAsync(string[] args, CliEnvironment env, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(env);
        var root = Build(env);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // An unrecognised token explains more than the "required command" error it usually causes.
            var error = parsed.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parsed.Errors[0];
            await env.Error.WriteLineAsync($"pipeline: error: {OneLine(error.Message)} (see 'pipeline --help')");
            return ExitCodes.Usage;
        }

        try
        {
            return await parsed.InvokeAsync(
                new InvocationConfiguration { Output = env.Out, Error = env.Error, EnableDefaultExceptionHandler = false },
                cancellationToken);
        }
        catch (ConfigException ex)
        {
            return await FailAsync(env, ex.Message, ExitCodes.Usage);
        }
        catch (WarehouseBusyException ex)
        {
            return await FailAsync(env, ex.Message, ExitCodes.WarehouseBusy);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await FailAsync(env, "cancelled", ExitCodes.Failed);
        }
        catch (Exception ex)
        {
            // Whatever else stops a command (a source refusing credentials, a failed migration, a full disk) ends as
            // one line too; the log file of the run holds the details.
            return await FailAsync(env, ex.Message, ExitCodes.Failed);
        }
    }

    private static async Task<int> FailAsync(CliEnvironment env, string message, int code)
    {
        await env.Error.WriteLineAsync($"pipeline: error: {OneLine(Warehouse.DuckDb.DuckDbDiskFull.Name(message))}");
        return code;
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static RootCommand Build(CliEnvironment env)
    {
        var configOption = new Option<FileInfo?>("--config", "-c")
        {
            Description = "User configuration file (JSON); default $PIPELINE_CONFIG, else ./pipeline.json if present",
            Recursive = true,
        };
        var root = new RootCommand("Pipeline: marketing data from GA4, Meta Ads, Mailchimp and HubSpot into one KPI warehouse.");
        root.Options.Add(configOption);

        var grantBiReader = new Option<string?>("--grant-bi-reader")
        {
            Description = "SQL Server: after migrating, map this existing login to a database user in pipeline_bi_reader (SELECT on dw and mart only)",
        };
        grantBiReader.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && Warehouse.SqlServer.SqlLoginName.Problem(r.Tokens[0].Value) is { } problem)
            {
                r.AddError($"--grant-bi-reader: {problem}");
            }
        });
        var migrate = new Command("migrate", "Create or upgrade the warehouse schema (idempotent)");
        migrate.Options.Add(grantBiReader);
        migrate.SetAction((p, ct) => CommandHost.RunAsync<MigrateCommand>(
            env, p.GetValue(configOption), s => s.AddSingleton(new MigrateArguments(p.GetValue(grantBiReader))), ct));

        var runsOption = new Option<int>("--runs") { Description = "How many recent runs to show", DefaultValueFactory = _ => 20 };
        runsOption.Validators.Add(r =>
        {
            // Runs only for a token that parsed; a non-number is already reported by the parser.
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out var runs) && runs is < 1 or > 10_000)
            {
                r.AddError("--runs must be between 1 and 10000");
            }
        });
        var status = new Command("status", "Show recent runs, stream state and row counts");
        status.Options.Add(runsOption);
        status.SetAction((p, ct) => CommandHost.RunAsync<StatusCommand>(
            env, p.GetValue(configOption), s => s.AddSingleton(new StatusArguments(p.GetValue(runsOption))), ct));

        var check = new Command("check", "Validate the configuration; name every bad key and where it came from");
        check.SetAction(p => ConfigCheckCommand.Run(env, p.GetValue(configOption)));
        var config = new Command("config", "Configuration tools");
        config.Subcommands.Add(check);

        var sourceOption = new Option<string?>("--source") { Description = "Only this source (e.g. ga4)" };
        var streamOption = new Option<string?>("--stream") { Description = "Only this stream (e.g. traffic_daily)" };
        var fromOption = new Option<DateOnly?>("--from") { Description = "Backfill report streams from this day (yyyy-mm-dd)" };
        var toOption = new Option<DateOnly?>("--to") { Description = "Backfill report streams up to this day (yyyy-mm-dd)" };
        var sync = new Command("sync", "Sync configured sources into the warehouse (incremental; --from/--to to backfill)");
        sync.Options.Add(sourceOption);
        sync.Options.Add(streamOption);
        sync.Options.Add(fromOption);
        sync.Options.Add(toOption);
        sync.Validators.Add(r =>
        {
            // Tokens, not GetValue: a date that failed to parse would throw here instead of being reported.
            if (ParsedDate(r, fromOption) is { } f && ParsedDate(r, toOption) is { } t && f > t)
            {
                r.AddError("--from must not be after --to");
            }
        });
        sync.SetAction((p, ct) => CommandHost.RunAsync<SyncCommand>(
            env,
            p.GetValue(configOption),
            s => s.AddSingleton(new SyncArguments(p.GetValue(sourceOption), p.GetValue(streamOption), p.GetValue(fromOption), p.GetValue(toOption))),
            ct));

        var demoWarehouse = new Option<string>("--warehouse") { Description = "Demo warehouse file", DefaultValueFactory = _ => "data/demo.duckdb" };
        var demoDays = new Option<int>("--days") { Description = "Days of sandbox history", DefaultValueFactory = _ => 90 };
        demoDays.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && int.TryParse(r.Tokens[0].Value, System.Globalization.CultureInfo.InvariantCulture, out var days) && days is < 7 or > 1100)
            {
                r.AddError("--days must be between 7 and 1100");
            }
        });
        var demo = new Command("demo", "Start the API sandbox, sync every connector from it into data/demo.duckdb, print the numbers");
        demo.Options.Add(demoWarehouse);
        demo.Options.Add(demoDays);
        demo.SetAction((p, ct) => CommandHost.RunAsync<DemoCommand>(
            env, p.GetValue(configOption), s => s.AddSingleton(new DemoArguments(p.GetValue(demoWarehouse)!, p.GetValue(demoDays))), ct));

        var kpi = BuildKpi(env, configOption);

        root.Subcommands.Add(migrate);
        root.Subcommands.Add(status);
        root.Subcommands.Add(sync);
        root.Subcommands.Add(config);
        root.Subcommands.Add(demo);
        root.Subcommands.Add(kpi);
        root.Subcommands.Add(ReportCommand.Build(env, configOption));
        root.Subcommands.Add(CatalogCommand.Build(env));
        root.Subcommands.Add(OperationsCommands.BuildSchedule(env, configOption));
        root.Subcommands.Add(OperationsCommands.BuildPublish(env, configOption));
        root.Subcommands.Add(OperationsCommands.BuildMarts(env, configOption));
        root.Subcommands.Add(OperationsCommands.BuildState(env, configOption));
        root.Subcommands.Add(Init.InitCommand.Build(env));
        root.Subcommands.Add(BackfillCommand.Build(env, configOption));
        root.Subcommands.Add(CheckCommand.Build(env, configOption));
        root.Subcommands.Add(BackupCommand.Build(env, configOption));
        root.Subcommands.Add(RestoreCommand.Build(env, configOption));
        OptionalArgumentsHelp.Install(root);
        return root;
    }

    private static Command BuildKpi(CliEnvironment env, Option<FileInfo?> configOption)
    {
        var ids = new Argument<string[]>("kpi") { Description = "KPI ids (mart.kpi_catalog.kpi_id); none: the KPIs of --audience", Arity = ArgumentArity.ZeroOrMore };
        var audience = new Option<string>("--audience") { Description = "Without KPI ids: the KPIs of this audience", DefaultValueFactory = _ => "executive" };
        audience.AcceptOnlyFromAmong("executive", "marketing", "specialist");
        var grain = new Option<string?>("--grain") { Description = "day, week (ISO), month, quarter, or total over the range (default)" };
        grain.AcceptOnlyFromAmong("day", "week", "month", "quarter", "total");
        var period = new Option<string?>("--period") { Description = $"Named range relative to today (default {KpiPeriods.Default}); last-Nd end yesterday" };
        period.AcceptOnlyFromAmong(KpiPeriods.Names);
        var from = DateOption("--from", "First day of the range (yyyy-mm-dd), instead of --period");
        var to = DateOption("--to", "Last day of the range (yyyy-mm-dd); default today");
        var by = new Option<string>("--by") { Description = "Segment type", DefaultValueFactory = _ => "all" };
        by.AcceptOnlyFromAmong("all", "channel", "campaign", "device", "country");
        var segment = new Option<string?>("--segment") { Description = "Only this segment of --by (case-insensitive), e.g. \"Paid Social\"" };
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var layout = new Option<string>("--layout") { Description = "Table shape: auto (wide if it fits the terminal, else long), wide (a column per KPI), long (a row per KPI)", DefaultValueFactory = _ => "auto" };
        layout.AcceptOnlyFromAmong("auto", "wide", "long");

        var kpi = new Command("kpi", "KPI values from the marts for a period, grain and segment (table, csv or json)");
        kpi.Arguments.Add(ids);
        foreach (var option in new Option[] { audience, grain, period, from, to, by, segment, format, layout })
        {
            kpi.Options.Add(option);
        }

        kpi.Validators.Add(r =>
        {
            // Read tokens, not values: a value that failed to parse would throw here (its error is already reported).
            var f = ParsedDate(r, from);
            var t = ParsedDate(r, to);
            if (f is not null && t is not null && f > t)
            {
                r.AddError("--from must not be after --to");
            }
            else if (r.GetResult(to) is not null && r.GetResult(from) is null)
            {
                r.AddError("--to needs --from");
            }
            else if (r.GetResult(period) is not null && r.GetResult(from) is not null)
            {
                r.AddError("use either --period or --from/--to");
            }
            else if (r.GetResult(segment) is not null && (r.GetResult(by)?.Tokens is not [var byToken] || byToken.Value == "all"))
            {
                r.AddError("--segment needs --by channel, campaign, device or country");
            }
        });
        kpi.SetAction((p, ct) => CommandHost.RunAsync<KpiCommand>(
            env,
            p.GetValue(configOption),
            s => s.AddSingleton(new KpiArguments(
                p.GetValue(ids) ?? [], p.GetValue(audience)!, p.GetValue(grain), p.GetValue(period), p.GetValue(from), p.GetValue(to),
                p.GetValue(by)!, p.GetValue(segment), p.GetValue(format)!, Enum.Parse<KpiLayout>(p.GetValue(layout)!, ignoreCase: true))),
            ct));
        return kpi;
    }

    /// <summary>A yyyy-mm-dd date and nothing else (no culture-dependent forms).</summary>
    internal static Option<DateOnly?> DateOption(string name, string description, bool required = false) => new(name)
    {
        Description = description,
        Required = required,
        CustomParser = r =>
        {
            var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
            if (ParseDate(text) is { } date)
            {
                return date;
            }

            r.AddError($"{name} '{text}' is not a date (yyyy-mm-dd)");
            return null;
        },
    };

    private static DateOnly? ParseDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date) ? date : null;

    internal static DateOnly? ParsedDate(System.CommandLine.Parsing.CommandResult result, Option<DateOnly?> option) =>
        result.GetResult(option)?.Tokens is [var token] ? ParseDate(token.Value) : null;
}
