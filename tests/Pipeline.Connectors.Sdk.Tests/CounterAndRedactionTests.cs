using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Sdk.Tests.Support;

namespace Pipeline.Connectors.Sdk.Tests;

public class CounterAndRedactionTests
{
    [Test]
    public async Task Counter_counts_requests_statuses_and_retries()
    {
        await using var api = await FakeApi.StartAsync((ctx, n) => ctx.Request.Path == "/missing" ? ctx.Status(404) : n <= 2 ? ctx.Status(503) : ctx.Json("{}"));
        var counter = new ApiCallCounter();
        var logger = new ListLogger();
        using var client = TestClients.Create(
            TestClients.FastOptions(api),
            counter: counter,
            wrapInner: inner => new ApiCallCountingHandler(new ApiCallCounter(), logger) { InnerHandler = inner });

        using (await client.GetAsync("ok?access_token=sekrit"))
        {
        }

        using (await client.GetAsync("missing?key=AIza-sekrit"))
        {
        }

        var stats = counter.Snapshot();
        Assert.Multiple(() =>
        {
            Assert.That(stats.Requests, Is.EqualTo(4));
            Assert.That(stats.Retries, Is.EqualTo(2));
            Assert.That(stats.Failures, Is.EqualTo(0));
            Assert.That(stats.ByStatus, Is.EquivalentTo(new Dictionary<int, long> { [503] = 2, [200] = 1, [404] = 1 }));
            Assert.That(logger.Messages, Has.Count.EqualTo(4));
            Assert.That(logger.Messages, Has.None.Contain("sekrit"));
            Assert.That(logger.Messages, Has.Some.Contain("access_token=***"));
        });
    }

    [Test]
    public async Task Counter_counts_connection_failures()
    {
        // A port nothing listens on: take one from the OS, then close it.
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var options = new SourceHttpOptions
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            MaxAttempts = 2,
            BaseDelay = TimeSpan.FromMilliseconds(5),
            CircuitBreaker = new CircuitBreakerSettings { Enabled = false },
        };
        var counter = new ApiCallCounter();
        using var client = TestClients.Create(options, counter: counter);

        Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("x"));
        var stats = counter.Snapshot();
        Assert.That((stats.Requests, stats.Retries, stats.Failures), Is.EqualTo((2L, 1L, 2L)));
        Assert.That(stats.ByStatus, Is.Empty);
    }

    [TestCase("https://graph.facebook.com/v21.0/me?access_token=EAAB123&fields=id", "https://graph.facebook.com/v21.0/me?access_token=***&fields=id")]
    [TestCase("https://x.googleapis.com/v1/p?key=AIzaSy0&alt=json", "https://x.googleapis.com/v1/p?key=***&alt=json")]
    [TestCase("https://api.hubapi.com/x?hapikey=abc-def", "https://api.hubapi.com/x?hapikey=***")]
    [TestCase("https://h/x?a=1&api_key=s1&client_secret=s2&refresh_token=s3", "https://h/x?a=1&api_key=***&client_secret=***&refresh_token=***")]
    [TestCase("https://user:pa55@us6.api.mailchimp.com/3.0/", "https://***@us6.api.mailchimp.com/3.0/")]
    [TestCase("https://h/x?keyword=shoes&monkey=1&country_code=US", "https://h/x?keyword=shoes&monkey=1&country_code=US")]
    [TestCase("https://h/x?ACCESS_TOKEN=abc", "https://h/x?ACCESS_TOKEN=***")]
    public void RedactUrl_masks_secrets_and_keeps_the_rest(string url, string expected)
    {
        Assert.That(SecretRedactor.RedactUrl(url), Is.EqualTo(expected));
        Assert.That(SecretRedactor.RedactUrl(new Uri(url)), Is.EqualTo(expected));
    }

    [Test]
    public void Credential_headers_are_masked()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SecretRedactor.RedactHeader("Authorization", "Bearer abc"), Is.EqualTo("***"));
            Assert.That(SecretRedactor.RedactHeader("X-HubSpot-Token", "abc"), Is.EqualTo("***"));
            Assert.That(SecretRedactor.RedactHeader("Accept", "application/json"), Is.EqualTo("application/json"));
        });
    }

    internal sealed class ListLogger : ILogger
    {
        public ConcurrentQueue<string> Queue { get; } = new();

        public IReadOnlyList<string> Messages => [.. Queue];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Queue.Enqueue(formatter(state, exception));
    }
}
