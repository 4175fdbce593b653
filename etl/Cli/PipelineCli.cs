using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Cli.Commands;
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
        await env.Error.WriteLineAsync($"pipeline: error: {OneLine(message)}");
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

        var migrate = new Command("migrate", "Create or upgrade the warehouse schema (idempotent)");
        migrate.SetAction((p, ct) => CommandHost.RunAsync<MigrateCommand>(env, p.GetValue(configOption), null, ct));

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
            if (r.GetValue(fromOption) is { } f && r.GetValue(toOption) is { } t && f > t)
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

        root.Subcommands.Add(migrate);
        root.Subcommands.Add(status);
        root.Subcommands.Add(sync);
        root.Subcommands.Add(config);
        root.Subcommands.Add(demo);
        return root;
    }
}
