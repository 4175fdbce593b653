using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Cli.Report.Delivery;
using Pipeline.Etl.Scheduling;

namespace Pipeline.Cli.Commands;

/// <summary>The command lines of <c>schedule</c>, <c>publish</c>, <c>marts</c> and <c>state reset</c> (scheduling and operations).</summary>
internal static class OperationsCommands
{
    public static Command BuildSchedule(CliEnvironment env, Option<FileInfo?> configOption)
    {
        var schedule = new Command("schedule", "Run the scheduler until Ctrl-C/SIGTERM: each source account on its cron, then publish, anomaly and freshness alerts");
        schedule.SetAction((p, ct) => CommandHost.RunAsync<ScheduleCommand>(env, p.GetValue(configOption), s => s.AddPipelineScheduling().AddReportDelivery(), ct));
        return schedule;
    }

    public static Command BuildPublish(CliEnvironment env, Option<FileInfo?> configOption)
    {
        var publish = new Command("publish", "Write the read-only copy of the marts that BI tools open (Publish:Path), now");
        publish.SetAction((p, ct) => CommandHost.RunAsync<PublishCommand>(env, p.GetValue(configOption), null, ct));
        return publish;
    }

    public static Command BuildMarts(CliEnvironment env, Option<FileInfo?> configOption)
    {
        var refresh = new Command("refresh", "Bring the mart tables up to date with what was loaded since their last refresh (every sync does this)");
        refresh.SetAction((p, ct) => CommandHost.RunAsync<MartsCommand>(env, p.GetValue(configOption), s => s.AddSingleton(new MartsArguments(Rebuild: false)), ct));
        var rebuild = new Command("rebuild", "Recompute every mart table whole from its definition (mart_def), in one transaction");
        rebuild.SetAction((p, ct) => CommandHost.RunAsync<MartsCommand>(env, p.GetValue(configOption), s => s.AddSingleton(new MartsArguments(Rebuild: true)), ct));
        var marts = new Command("marts", "The materialized mart tables");
        marts.Subcommands.Add(refresh);
        marts.Subcommands.Add(rebuild);
        return marts;
    }

    public static Command BuildState(CliEnvironment env, Option<FileInfo?> configOption)
    {
        var source = new Option<string>("--source") { Description = "Source whose state to reset (e.g. ga4)", Required = true };
        var stream = new Option<string?>("--stream") { Description = "Only this stream (e.g. traffic_daily)" };
        var account = new Option<string?>("--account") { Description = "Only this account id (as in _account_id)" };
        var reset = new Command("reset", "Forget where streams stand (etl.sync_state) so the next sync starts them over; staging rows stay");
        reset.Options.Add(source);
        reset.Options.Add(stream);
        reset.Options.Add(account);
        reset.SetAction((p, ct) => CommandHost.RunAsync<StateResetCommand>(
            env, p.GetValue(configOption), s => s.AddSingleton(new StateResetArguments(p.GetValue(source)!, p.GetValue(stream), p.GetValue(account))), ct));
        var state = new Command("state", "Stream state tools");
        state.Subcommands.Add(reset);
        return state;
    }
}
