using static Pipeline.Warehouse.Tests.TestStreams;

namespace Pipeline.Warehouse.Tests;

public sealed class RunLogTests : WarehouseTestBase
{
    [Test]
    public async Task Runs_states_and_row_counts_show_in_the_status()
    {
        await using var warehouse = await OpenMigratedAsync();
        var day = new DateOnly(2026, 5, 4);
        var run = new SyncRunRecord("run-42", "test", "ads_daily", "acc") { WindowFrom = day, WindowTo = day };
        await warehouse.RunLog.RunStartedAsync(run);
        var result = await warehouse.Loader.LoadWindowAsync(Daily, new LoadWindow("acc", "run-42", day, day), Rows(Day(day, "c1", 3, 1m), Day(day, "c2", 4, 1m)));
        await warehouse.RunLog.RunFinishedAsync(run with
        {
            Status = SyncRunStatus.Succeeded,
            FinishedAt = DateTime.UtcNow,
            RowsRead = result.RowsRead,
            RowsWritten = result.RowsWritten,
            ApiCalls = 3,
        });
        await warehouse.RunLog.RunStartedAsync(new SyncRunRecord("run-43", "test", "contacts", "acc"));
        await warehouse.RunLog.RunFinishedAsync(new SyncRunRecord("run-43", "test", "contacts", "acc") { Status = SyncRunStatus.Failed, Error = "HTTP 500" });

        var status = await warehouse.ReadStatusAsync();

        var done = status.RecentRuns.Single(r => r.RunId == "run-42");
        Assert.That(done.Status, Is.EqualTo(SyncRunStatus.Succeeded));
        Assert.That((done.RowsWritten, done.ApiCalls, done.WindowFrom), Is.EqualTo((2L, 3L, (DateOnly?)day)));
        Assert.That(status.RecentRuns.Single(r => r.RunId == "run-43").Error, Is.EqualTo("HTTP 500"));
        var state = status.States.Single();
        Assert.That(state.Cursor, Is.EqualTo("2026-05-04"));
        Assert.That((state.LastStatus, state.LastError), Is.EqualTo(("Succeeded", (string?)null)));
        Assert.That(state.LastSuccessAt, Is.Not.Null.And.GreaterThanOrEqualTo(run.StartedAt.AddSeconds(-1)));
        Assert.That(status.Objects.Single(o => o.Name == "test_ads_daily").Rows, Is.EqualTo(2));
        Assert.That(status.Objects.Single(o => o.Name == "v_stream_status").Kind, Is.EqualTo("view"));
        var view = await QueryAsync<string>("SELECT stream || ' ' || last_status FROM etl.v_stream_status ORDER BY 1");
        Assert.That(view, Is.EqualTo(new[] { "ads_daily Succeeded" }));
    }
}
