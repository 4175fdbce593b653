using System.Net;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Sdk.Tests.Support;

namespace Pipeline.Connectors.Sdk.Tests;

public class LimiterTests
{
    [Test]
    public async Task Concurrency_limiter_caps_requests_in_flight()
    {
        await using var api = await FakeApi.StartAsync(async (server, ctx, _) =>
        {
            // Hold each request until two have overlapped, then a little longer in case a third joins: a capped
            // client reaches exactly 2 even on a slow machine, an uncapped one gets to 3.
            await server.WaitForInFlightAsync(2, TimeSpan.FromSeconds(3), ctx.RequestAborted);
            await server.WaitForInFlightAsync(3, TimeSpan.FromMilliseconds(250), ctx.RequestAborted);
            await ctx.Json("{}");
        });
        var options = TestClients.FastOptions(api);
        options.MaxConcurrentRequests = 2;
        using var client = TestClients.Create(options);

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.GetAsync("x")));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(api.MaxInFlight, Is.EqualTo(2));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Test]
    public async Task Rate_limiter_caps_requests_per_window()
    {
        var window = TimeSpan.FromMilliseconds(400);
        await using var api = await FakeApi.StartAsync((ctx, _) => ctx.Json("{}"));
        var options = TestClients.FastOptions(api);
        options.RateLimit = new RateLimit(2, window); // 4 segments of 100 ms
        using var client = TestClients.Create(options);

        var start = api.Now;
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.GetAsync("x")));

        // Permits used at `start` come back only when their segment leaves the window, no earlier than
        // start + 300 ms; the next batch's no earlier than start + 700 ms. A slow machine only delays arrivals.
        var arrivals = api.Arrivals.Select(a => a.At - start).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(arrivals, Has.Count.EqualTo(6));
            Assert.That(arrivals.Count(a => a < TimeSpan.FromMilliseconds(250)), Is.LessThanOrEqualTo(2));
            Assert.That(arrivals.Count(a => a < TimeSpan.FromMilliseconds(650)), Is.LessThanOrEqualTo(4));
        });
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Test]
    public async Task Endpoint_class_has_its_own_limit()
    {
        await using var api = await FakeApi.StartAsync((ctx, _) => ctx.Json("{}"));
        var options = TestClients.FastOptions(api);
        // One call per 10 s each: if the two classes shared a limiter the second call would wait past the test's patience.
        options.RateLimit = new RateLimit(1, TimeSpan.FromSeconds(10));
        options.EndpointRateLimits["search"] = new RateLimit(1, TimeSpan.FromSeconds(10));
        using var client = TestClients.Create(options);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        using var general = await client.GetAsync("objects", patience.Token);
        using var searchRequest = new HttpRequestMessage(HttpMethod.Post, "search").SetEndpointClass("search");
        using var search = await client.SendAsync(searchRequest, patience.Token);

        Assert.That(api.Requests, Is.EqualTo(2));

        // ...and the search class is itself capped: a second search now waits for the window.
        using var secondSearch = new HttpRequestMessage(HttpMethod.Post, "search").SetEndpointClass("search");
        using var shortPatience = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        Assert.That(async () => await client.SendAsync(secondSearch, shortPatience.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(api.Requests, Is.EqualTo(2));
    }

    [Test]
    public async Task Connections_of_one_account_share_limiters()
    {
        await using var api = await FakeApi.StartAsync(async (server, ctx, _) =>
        {
            await server.WaitForInFlightAsync(2, TimeSpan.FromMilliseconds(400), ctx.RequestAborted);
            await ctx.Json("{}");
        });
        var options = TestClients.FastOptions(api);
        options.MaxConcurrentRequests = 1;
        using var pipelines = new SourcePipelineProvider();
        using var first = TestClients.Create(options, pipelines, accountKey: "hubspot:1");
        using var second = TestClients.Create(options, pipelines, accountKey: "hubspot:1");

        var responses = await Task.WhenAll(first.GetAsync("a"), second.GetAsync("b"));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(api.MaxInFlight, Is.EqualTo(1));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Test]
    public async Task Different_accounts_do_not_share_limiters()
    {
        await using var api = await FakeApi.StartAsync(async (server, ctx, _) =>
        {
            await server.WaitForInFlightAsync(2, TimeSpan.FromSeconds(3), ctx.RequestAborted);
            await ctx.Json("{}");
        });
        var options = TestClients.FastOptions(api);
        options.MaxConcurrentRequests = 1;
        using var pipelines = new SourcePipelineProvider();
        using var first = TestClients.Create(options, pipelines, accountKey: "hubspot:1");
        using var second = TestClients.Create(options, pipelines, accountKey: "hubspot:2");

        var responses = await Task.WhenAll(first.GetAsync("a"), second.GetAsync("b"));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(api.MaxInFlight, Is.EqualTo(2));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }
}
