using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Conformance;
using Pipeline.Sandbox;
using Pipeline.Sandbox.World;

namespace Pipeline.Connectors.Ga4.Tests;

/// <summary>A first backfill starts at the property's Admin API <c>createTime</c>, asked once per property.</summary>
public sealed class Ga4DataStartTests
{
    [Test]
    public async Task The_first_backfill_starts_on_the_property_creation_day_and_the_admin_api_is_asked_once()
    {
        var admin = new AdminCalls(null);
        await using var h = await StartAsync(admin, firstRunDays: 396);

        var summary = (await h.SyncAsync("r1")).Single();

        var created = CreatedDay(h.Sandbox);
        Assert.That(summary.Succeeded, Is.True, string.Join("; ", summary.Windows.Select(w => w.Error)));
        var reportStreams = summary.Windows.Select(w => w.Stream).Distinct().ToList();
        Assert.That(reportStreams, Has.Count.GreaterThan(1));
        foreach (var stream in reportStreams)
        {
            Assert.That(summary.Windows.First(w => w.Stream == stream).Range!.Value.From, Is.EqualTo(created), stream);
        }

        Assert.That(summary.Skipped.Select(s => s.Stream), Is.EquivalentTo(reportStreams));
        Assert.That(summary.Skipped[0].From, Is.EqualTo(h.Sandbox.World.Today.AddDays(-395)));
        Assert.That(summary.Skipped[0].To, Is.EqualTo(created.AddDays(-1)));
        Assert.That(admin.Count, Is.EqualTo(1), "one Admin API call for all the property's streams");

        // A stream starting over later (state reset) takes the kept start: the Admin API is not asked again.
        await h.Warehouse.RunLog.ResetStateAsync("ga4", "traffic_daily", null);
        var again = (await h.SyncAsync("r2")).Single();
        Assert.That(again.Windows.First(w => w.Stream == "traffic_daily").Range!.Value.From, Is.EqualTo(created));
        Assert.That(admin.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Without_createTime_the_configured_first_run_start_applies()
    {
        var admin = new AdminCalls(body => JsonNode.Parse(body) is JsonObject node && node.Remove("createTime") ? node.ToJsonString() : body);
        await using var h = await StartAsync(admin, firstRunDays: 45);

        var summary = (await h.SyncAsync("r1")).Single();

        Assert.That(summary.Succeeded, Is.True, string.Join("; ", summary.Windows.Select(w => w.Error)));
        Assert.That(summary.Skipped, Is.Empty);
        Assert.That(summary.Windows.First(w => w.Stream == "traffic_daily").Range!.Value.From, Is.EqualTo(h.Sandbox.World.Today.AddDays(-44)));
        Assert.That(admin.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task A_failing_admin_call_falls_back_to_the_configured_start_and_is_asked_again_next_run()
    {
        var admin = new AdminCalls(null) { Status = System.Net.HttpStatusCode.Forbidden };
        await using var h = await StartAsync(admin, firstRunDays: 45);

        var summary = (await h.SyncAsync("r1")).Single();

        Assert.That(summary.Succeeded, Is.True, "the data still loads");
        Assert.That(summary.Windows.First(w => w.Stream == "traffic_daily").Range!.Value.From, Is.EqualTo(h.Sandbox.World.Today.AddDays(-44)));
        Assert.That(await h.ScalarAsync<long>("SELECT count(*) FROM etl.alert_state WHERE key LIKE 'data_start:%'"), Is.Zero, "a failure is not kept");
        Assert.That(admin.Count, Is.EqualTo(1), "asked once in the run, not once per stream");

        await h.Warehouse.RunLog.ResetStateAsync("ga4", "traffic_daily", null);
        await h.SyncAsync("r2");
        Assert.That(admin.Count, Is.EqualTo(2), "the next run that needs it asks again");
    }

    private static DateOnly CreatedDay(SandboxServer sandbox) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(sandbox.World.Ga4.CreateTime, TimeZoneInfo.FindSystemTimeZoneById(sandbox.World.Ga4.TimeZone)).DateTime);

    private static Task<ConformanceHarness> StartAsync(AdminCalls admin, int firstRunDays) =>
        ConformanceHarness.StartAsync(
            new SandboxOptions { World = WorldOptions.Demo with { Days = 30 } },
            (services, sandbox) =>
            {
                var options = Ga4Harness.Options(sandbox);
                options.Properties[0].FirstRunDays = firstRunDays;
                options.Properties[0].ChunkDays = 30;
                services.AddGa4Source(options);
            },
            w => new DateTimeOffset(w.Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.FromHours(1)),
            services => services.ConfigureHttpClientDefaults(client => client.AddHttpMessageHandler(() => admin.Handler())));

    /// <summary>Counts Admin API property reads (GET v1beta/properties/{id}), optionally rewriting or failing them.</summary>
    private sealed class AdminCalls(Func<string, string>? rewrite)
    {
        private int count;

        public Func<string, string>? Rewrite => rewrite;

        public int Count => Volatile.Read(ref count);

        public System.Net.HttpStatusCode? Status { get; init; }

        public DelegatingHandler Handler() => new Counting(this);

        private sealed class Counting(AdminCalls calls) : DelegatingHandler
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                var isAdmin = request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.Split('/') is [.., "properties", var id] && !id.Contains(':', StringComparison.Ordinal);
                if (!isAdmin)
                {
                    return await base.SendAsync(request, cancellationToken);
                }

                Interlocked.Increment(ref calls.count);
                if (calls.Status is { } status)
                {
                    return new HttpResponseMessage(status) { Content = new StringContent("""{"error":{"code":403,"message":"no access","status":"PERMISSION_DENIED"}}""", new MediaTypeHeaderValue("application/json")) };
                }

                var response = await base.SendAsync(request, cancellationToken);
                if (calls.Rewrite is { } change && response.IsSuccessStatusCode)
                {
                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    response.Content = new StringContent(change(body), new MediaTypeHeaderValue("application/json"));
                }

                return response;
            }
        }
    }
}
