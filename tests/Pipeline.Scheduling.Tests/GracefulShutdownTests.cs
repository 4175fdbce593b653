using Dapper;
using Pipeline.Etl.Scheduling;
using Pipeline.Scheduling.Tests.Support;
using Quartz;

namespace Pipeline.Scheduling.Tests;

/// <summary>
/// Stopping the scheduler while a job is in the middle of a window (one page in the load table, more to come):
/// the warehouse ends up with the whole window or none of it, never part of it, and no run is left "Running".
/// </summary>
public sealed class GracefulShutdownTests : TestFolder
{
    [Test]
    public async Task A_stop_lets_the_window_in_flight_commit_and_starts_no_further_window()
    {
        var midWindow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new SlowSource(firstRunDays: 3, rowsPerDay: 3);
        source.MidWindow = async (_, ct) =>
        {
            midWindow.TrySetResult();
            await release.Task.WaitAsync(ct);
        };
        await using var host = await SchedulingHost.StartAsync(Folder, [source], o => o.Schedule.ShutdownGrace = TimeSpan.FromMinutes(1));
        var pipelineScheduler = host.Get<PipelineScheduler>();
        var (scheduler, _) = await pipelineScheduler.StartAsync(CancellationToken.None);
        await scheduler.TriggerJob(new JobKey("slow.all", SyncJobPlan.Group), new JobDataMap());
        await midWindow.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var stopping = pipelineScheduler.StopAsync(scheduler);
        await Task.Delay(300);
        Assert.That(stopping.IsCompleted, Is.False, "the stop waits for the window being loaded");
        release.TrySetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        await using var db = await host.OpenWarehouseAsync();
        var runs = (await db.QueryAsync<(string Status, DateTime? From)>("SELECT status, window_from FROM etl.sync_runs WHERE source = 'slow'")).ToList();
        var rows = (await db.QueryAsync<(DateTime Date, long N)>("SELECT date, count(*) FROM staging.slow_daily GROUP BY date")).ToList();
        Assert.That(runs.Select(r => r.Status), Is.EqualTo(new[] { "Succeeded" }), "one window, committed; the next two never started");
        Assert.That(rows, Has.Count.EqualTo(1).And.All.Matches<(DateTime Date, long N)>(r => r.N == 3), "the whole window: all three rows of its day");
        Assert.That(source.ApiCalls, Is.EqualTo(1));
        Assert.That(await db.ExecuteScalarAsync<string>("SELECT cursor_value FROM etl.sync_state WHERE source = 'slow'"), Is.EqualTo(rows[0].Date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task A_window_still_loading_when_the_grace_runs_out_rolls_back_entirely()
    {
        var midWindow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new SlowSource(firstRunDays: 3, rowsPerDay: 3);
        source.MidWindow = async (_, ct) =>
        {
            midWindow.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        };
        await using var host = await SchedulingHost.StartAsync(Folder, [source], o => o.Schedule.ShutdownGrace = TimeSpan.FromMilliseconds(300));
        var pipelineScheduler = host.Get<PipelineScheduler>();
        var (scheduler, _) = await pipelineScheduler.StartAsync(CancellationToken.None);
        await scheduler.TriggerJob(new JobKey("slow.all", SyncJobPlan.Group), new JobDataMap());
        await midWindow.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await pipelineScheduler.StopAsync(scheduler).WaitAsync(TimeSpan.FromSeconds(30));

        await using var db = await host.OpenWarehouseAsync();
        Assert.That(await db.QueryAsync<string>("SELECT status FROM etl.sync_runs WHERE source = 'slow'"), Is.EqualTo(new[] { "Cancelled" }));
        Assert.That(await db.ExecuteScalarAsync<long>("SELECT count(*) FROM staging.slow_daily"), Is.Zero, "none of the window: its first page was rolled back");
        Assert.That(await db.ExecuteScalarAsync<long>("SELECT count(*) FROM etl.sync_state WHERE source = 'slow'"), Is.Zero, "the cursor did not move");
    }
}
