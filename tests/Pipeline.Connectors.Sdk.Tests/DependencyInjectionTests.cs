using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Connectors.Auth;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Sdk.Tests.Support;

namespace Pipeline.Connectors.Sdk.Tests;

public class DependencyInjectionTests
{
    [Test]
    public async Task AddSourceHttpClient_wires_auth_counter_and_pipeline()
    {
        await using var api = await FakeApi.StartAsync((ctx, n) => n == 1 ? ctx.Status(503) : ctx.Json("{}"));
        var logs = new CounterAndRedactionTests.ListLogger();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new SingleLoggerProvider(logs)));
        var options = TestClients.FastOptions(api);
        options.TokenPlacement = TokenPlacement.Query();
        options.UserAgent = "Pipeline-test/1.0";
        services.AddSourceHttpClient("meta:act_1", options, _ => new StaticTokenProvider("EAAB-sekrit"));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<IHttpClientFactory>().CreateClient("meta:act_1");
        using var response = await client.GetAsync("v21.0/act_1/insights?level=ad");

        var counter = provider.GetRequiredKeyedService<ApiCallCounter>("meta:act_1");
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(api.Arrivals.Select(a => a.PathAndQuery), Is.All.EqualTo("/v21.0/act_1/insights?level=ad&access_token=EAAB-sekrit"));
            Assert.That(api.Arrivals.Select(a => a.UserAgent), Is.All.EqualTo("Pipeline-test/1.0"));
            Assert.That(counter.Snapshot().Requests, Is.EqualTo(2));
            Assert.That(counter.Snapshot().Retries, Is.EqualTo(1));
            Assert.That(provider.GetRequiredService<ApiCallCounters>().Snapshot().Keys, Is.EquivalentTo(new[] { "meta:act_1" }));
            Assert.That(logs.Messages, Is.Not.Empty);
            Assert.That(logs.Messages, Has.None.Contain("sekrit"), "no log line may carry the token");
        });
    }

    [Test]
    public async Task Clients_registered_for_one_account_share_its_limiters()
    {
        await using var api = await FakeApi.StartAsync(async (server, ctx, _) =>
        {
            await server.WaitForInFlightAsync(2, TimeSpan.FromMilliseconds(400), ctx.RequestAborted);
            await ctx.Json("{}");
        });
        var services = new ServiceCollection();
        SourceHttpOptions Options()
        {
            var o = TestClients.FastOptions(api);
            o.AccountKey = "hubspot:42";
            o.MaxConcurrentRequests = 1;
            return o;
        }

        services.AddSourceHttpClient("hubspot:42:crm", Options());
        services.AddSourceHttpClient("hubspot:42:marketing", Options());
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();

        var responses = await Task.WhenAll(factory.CreateClient("hubspot:42:crm").GetAsync("a"), factory.CreateClient("hubspot:42:marketing").GetAsync("b"));

        Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(api.MaxInFlight, Is.EqualTo(1));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Test]
    public void Invalid_options_fail_at_registration()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddSourceHttpClient("x", new SourceHttpOptions { MaxAttempts = 0 }));
        Assert.Throws<ArgumentException>(() => services.AddSourceHttpClient("x", new SourceHttpOptions { BaseAddress = new Uri("/relative", UriKind.Relative) }));
    }

    private sealed class SingleLoggerProvider(ILogger logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
