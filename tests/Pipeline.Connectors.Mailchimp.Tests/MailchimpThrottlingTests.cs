using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Http;
using Pipeline.Sandbox;
using Pipeline.Sandbox.Faults;

namespace Pipeline.Connectors.Mailchimp.Tests;

/// <summary>Mailchimp's load answers: a bare 403 and a 429 without Retry-After are transient; a 403 problem document is not.</summary>
public sealed class MailchimpThrottlingTests
{
    [Test]
    public async Task A_bare_403_under_load_is_retried_to_the_complete_result()
    {
        var counters = new ApiCallCounters();
        var seen = new ResponseLog();
        await using var h = await MailchimpHarness.StartAsync(
            services: (s, o) => s.AddHttpClient(MailchimpSource.ClientName(o.Accounts[0])).AddHttpMessageHandler(() => new LoggingHandler(seen)),
            counters: counters);
        // The first requests (GET / included) and later ones mid-sync meet the connection limit.
        h.Sandbox.Faults.ForceNext(SandboxApi.Mailchimp, FaultKind.BareForbidden, 3);

        var summaries = await h.SyncAsync("r1");

        Assert.That(summaries.Errors(), Is.Empty);
        Assert.That(counters.Snapshot().Values.Single().ByStatus.GetValueOrDefault(403), Is.EqualTo(3));
        Assert.That(seen.Of(HttpStatusCode.Forbidden), Has.All.Matches<LoggedResponse>(r => r.BodyLength == 0), "the 403s carried no body");
        await MailchimpConnectorTests.AssertTruthAsync(h);
    }

    [Test]
    public async Task A_403_with_mailchimps_problem_document_fails_fast_with_a_clear_error()
    {
        var calls = 0;
        await using var h = await MailchimpHarness.StartAsync(services: (s, o) => s.AddHttpClient(MailchimpSource.ClientName(o.Accounts[0]))
            .AddHttpMessageHandler(() => new ForbiddingHandler(() => Interlocked.Increment(ref calls))));

        var error = Assert.ThrowsAsync<MailchimpAuthException>(() => h.Source.ConnectAsync());

        Assert.That(error!.Message, Does.Contain("access forbidden").And.Contain("User Disabled: This account has been disabled.").And.Not.Contain('\n'));
        Assert.That(calls, Is.EqualTo(1), "a refusal is not retried");
    }

    [Test]
    public async Task A_bare_403_that_never_ends_stops_the_account_with_a_throttle_error()
    {
        await using var h = await MailchimpHarness.StartAsync(configure: (o, _) => o.MaxAttempts = 2);
        h.Sandbox.Faults.ForceNext(SandboxApi.Mailchimp, FaultKind.BareForbidden, 2);

        var error = Assert.ThrowsAsync<SourceThrottledException>(() => h.Source.ConnectAsync());

        Assert.That(error!.Message, Does.Contain("403 without a body").And.Contain("connection limit"));
        Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task A_429_without_retry_after_is_retried_with_backoff()
    {
        var counters = new ApiCallCounters();
        var seen = new ResponseLog();
        await using var h = await MailchimpHarness.StartAsync(
            services: (s, o) => s.AddHttpClient(MailchimpSource.ClientName(o.Accounts[0])).AddHttpMessageHandler(() => new LoggingHandler(seen)),
            counters: counters);
        h.Sandbox.Faults.ForceNext(SandboxApi.Mailchimp, FaultKind.RateLimit, 4);

        var summaries = await h.SyncAsync("r1");

        Assert.That(summaries.Errors(), Is.Empty);
        Assert.That(counters.Snapshot().Values.Single().ByStatus.GetValueOrDefault(429), Is.EqualTo(4));
        Assert.That(seen.Of(HttpStatusCode.TooManyRequests), Has.Count.EqualTo(4).And.All.Matches<LoggedResponse>(r => !r.HadRetryAfter));
        await MailchimpConnectorTests.AssertTruthAsync(h);
    }
}

internal sealed record LoggedResponse(HttpStatusCode Status, bool HadRetryAfter, long BodyLength);

internal sealed class ResponseLog
{
    private readonly List<LoggedResponse> responses = [];

    public void Add(LoggedResponse response)
    {
        lock (responses)
        {
            responses.Add(response);
        }
    }

    public List<LoggedResponse> Of(HttpStatusCode status)
    {
        lock (responses)
        {
            return responses.Where(r => r.Status == status).ToList();
        }
    }
}

/// <summary>Records what came over the wire (status, Retry-After, body size) before the resilience pipeline judges it.</summary>
internal sealed class LoggingHandler(ResponseLog log) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var length = (await response.Content.ReadAsByteArrayAsync(cancellationToken)).LongLength;
            log.Add(new LoggedResponse(response.StatusCode, response.Headers.Contains("Retry-After"), length));
        }

        return response;
    }
}

/// <summary>Answers every request as Mailchimp does for a disabled user: 403 with its problem document.</summary>
internal sealed class ForbiddingHandler(Action onCall) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        onCall();
        const string Problem = """
            {"type":"https://mailchimp.com/developer/marketing/docs/errors/","title":"User Disabled","status":403,"detail":"This account has been disabled.","instance":"7e8b1f0c-5a5e-4b8e-9f39-1f6f1b2d9c11"}
            """;
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            RequestMessage = request,
            Content = new StringContent(Problem, Encoding.UTF8, "application/problem+json"),
        });
    }
}
