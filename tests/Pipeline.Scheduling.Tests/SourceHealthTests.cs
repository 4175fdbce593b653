using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Etl;
using Pipeline.Etl.Alerts;
using Pipeline.Etl.Configuration;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;
using Pipeline.Scheduling.Tests.Support;

namespace Pipeline.Scheduling.Tests;

/// <summary>
/// A source that keeps sending rows while one field goes empty: Meta stops returning the landing_page_view action
/// (the sandbox's dropped action type). The health check over mart.source_health alerts on the first sync after the
/// change, once, and not before.
/// </summary>
public sealed class SourceHealthTests : TestFolder
{
    private const string DroppedAction = "landing_page_view";

    [Test]
    public async Task A_Meta_action_type_that_stops_arriving_raises_one_health_alert_on_the_first_sync_after_the_change_and_none_before_or_after()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var world = WorldOptions.Demo with
        {
            StartDate = today.AddDays(-45), Days = 46, MetaPausedDays = 0, Ga4TrackingOutageDay = null,
            MetaDroppedActionType = DroppedAction, MetaDroppedActionFromDay = 38,
        };
        var change = world.MetaActionDroppedFrom!.Value;
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = world });
        var warehousePath = Path.Combine(Folder, "warehouse.duckdb");
        var config = CliRunner.WriteConfig(Folder, new Dictionary<string, object>
        {
            ["Warehouse"] = new { DuckDb = new { Path = warehousePath } },
            ["Logging"] = new { Directory = "" },
            ["Sources"] = new
            {
                Meta = new
                {
                    BaseUrl = sandbox.MetaBaseAddress,
                    AccessToken = sandbox.Credentials.MetaAccessToken,
                    AdAccountIds = sandbox.Credentials.MetaAdAccountIds,
                    FirstRunDays = 46,
                    AsyncPollInterval = "00:00:00.050",
                },
            },
        });
        var options = new PipelineOptions();
        options.Warehouse.DuckDb.Path = warehousePath;
        var sink = new RecordingSink();
        var check = new SourceHealthCheck(sink, new HealthAlertOptions(), TimeProvider.System, NullLogger<SourceHealthCheck>.Instance);

        async Task<IReadOnlyList<Alert>> SyncAndCheckAsync(params string[] sync)
        {
            var result = await CliRunner.RunAsync([.. sync, "--config", config]);
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            sink.Alerts.Clear();
            await using var warehouse = new WarehouseFactory(options, NullLoggerFactory.Instance).Open();
            await check.RunAsync(new MartSourceHealthFeed(warehouse.Reader), warehouse.AlertState);
            return [.. sink.Alerts];
        }

        var before = await SyncAndCheckAsync("sync", "--from", world.StartDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "--to", change.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var after = await SyncAndCheckAsync("sync");
        var still = await SyncAndCheckAsync("sync");
        var status = await CliRunner.RunAsync("status", "--config", config);

        Assert.That(before, Is.Empty, "up to the day before the change every column is as usual");
        Assert.That(after, Has.Count.EqualTo(1), string.Join("\n", after.Select(a => a.Text)));
        var alert = after[0];
        Assert.That(alert.Kind, Is.EqualTo(AlertKind.SourceHealth));
        Assert.That(alert.Source, Is.EqualTo("meta"));
        Assert.That(alert.Title, Does.Contain("actions_" + DroppedAction).And.Contain("stopped filling"));
        Assert.That(alert.Text, Does.Contain($"since {change:yyyy-MM-dd}"));
        Assert.That(alert.Text, Does.Not.Contain("actions_link_click:"), "the action types still returned stay healthy");
        Assert.That(still, Is.Empty, "the same episode is not alerted again");
        Assert.That(status.Out, Does.Contain("Unhealthy streams").And.Contain("actions_" + DroppedAction), status.Out + status.Error);
    }

    private sealed class RecordingSink : IAlertSink
    {
        public List<Alert> Alerts { get; } = [];

        public Task SendAsync(Alert alert, CancellationToken cancellationToken = default)
        {
            Alerts.Add(alert);
            return Task.CompletedTask;
        }
    }
}
