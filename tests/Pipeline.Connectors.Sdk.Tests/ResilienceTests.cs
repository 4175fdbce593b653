using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Sdk.Tests.Support;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Pipeline.Connectors.Sdk.Tests;

public class ResilienceTests
{
    [Test]
    public async Task Retry_on_429_waits_for_Retry_After()
    {
        await using var api = await FakeApi.StartAsync((ctx, n) =>
        {
            if (n == 1)
            {
                ctx.Response.Headers.RetryAfter = "1";
                return ctx.Status(429);
            }

            return ctx.Json("{}");
        });
        using var client = TestClients.Create(TestClients.FastOptions(api));

        var watch = Stopwatch.StartNew();
        using var response = await client.GetAsync("x");

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(api.Requests, Is.EqualTo(2));
            // Backoff alone would be ~10 ms; only honouring Retry-After makes it this long.
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900)));
        });
    }

    [Test]
    public async Task Retry_After_beyond_the_limit_stops_instead_of_sleeping()
    {
        await using var api = await FakeApi.StartAsync((ctx, _) =>
        {
            ctx.Response.Headers.RetryAfter = "3600";
            return ctx.Status(429);
        });
        var options = TestClients.FastOptions(api);
        options.MaxRetryAfter = TimeSpan.FromSeconds(5);
        using var client = TestClients.Create(options);

        var error = Assert.ThrowsAsync<SourceThrottledException>(() => client.GetAsync("x?access_token=sekrit"));

        Assert.Multiple(() =>
        {
            Assert.That(api.Requests, Is.EqualTo(1));
            Assert.That(error!.RequestedWait, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(error.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(error.Message, Does.Contain("3600s exceeds"));
            Assert.That(error.Message, Does.Not.Contain("sekrit"));
        });
    }

    [Test]
    public void Retry_After_is_read_as_seconds_or_HTTP_date()
    {
        var now = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        seconds.Headers.TryAddWithoutValidation("Retry-After", "7");
        using var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        date.Headers.TryAddWithoutValidation("Retry-After", now.AddSeconds(30).ToString("R", CultureInfo.InvariantCulture));
        using var past = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        past.Headers.TryAddWithoutValidation("Retry-After", now.AddMinutes(-5).ToString("R", CultureInfo.InvariantCulture));
        using var fractional = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        fractional.Headers.TryAddWithoutValidation("Retry-After", "1.5");
        using var none = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        Assert.Multiple(() =>
        {
            Assert.That(RetryAfter.From(seconds, now), Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(RetryAfter.From(date, now), Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(RetryAfter.From(past, now), Is.EqualTo(TimeSpan.Zero));
            Assert.That(RetryAfter.From(fractional, now), Is.EqualTo(TimeSpan.FromSeconds(1.5)));
            Assert.That(RetryAfter.From(none, now), Is.Null);
        });
    }

    [Test]
    public async Task Retry_on_503_then_success()
    {
        await using var api = await FakeApi.StartAsync((ctx, n) => n <= 2 ? ctx.Status(503) : ctx.Json("{}"));
        using var client = TestClients.Create(TestClients.FastOptions(api));

        using var response = await client.GetAsync("x");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(api.Requests, Is.EqualTo(3));
    }

    [Test]
    public async Task Gives_up_after_max_attempts_and_returns_the_last_response()
    {
        await using var api = await FakeApi.StartAsync((ctx, _) => ctx.Status(502));
        using var client = TestClients.Create(TestClients.FastOptions(api));

        using var response = await client.GetAsync("x");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
        Assert.That(api.Requests, Is.EqualTo(3));
    }

    [Test]
    public async Task No_retry_on_400()
    {
        await using var api = await FakeApi.StartAsync((ctx, _) => ctx.Status(400));
        using var client = TestClients.Create(TestClients.FastOptions(api));

        using var response = await client.GetAsync("x");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(api.Requests, Is.EqualTo(1));
    }

    [Test]
    public async Task Attempt_that_times_out_is_retried()
    {
        await using var api = await FakeApi.StartAsync((ctx, n) => n == 1 ? ctx.Hang() : ctx.Json("{}"));
        var options = TestClients.FastOptions(api);
        options.AttemptTimeout = TimeSpan.FromMilliseconds(300);
        using var client = TestClients.Create(options);

        using var response = await client.GetAsync("x");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(api.Requests, Is.EqualTo(2));
    }

    [Test]
    public async Task Timeouts_on_every_attempt_surface_as_timeout()
    {
        await using var api = await FakeApi.StartAsync((ctx, _) => ctx.Hang());
        var options = TestClients.FastOptions(api);
        options.AttemptTimeout = TimeSpan.FromMilliseconds(200);
        options.MaxAttempts = 2;
        using var client = TestClients.Create(options);

        Assert.ThrowsAsync<TimeoutRejectedException>(() => client.GetAsync("x"));
        Assert.That(api.Requests, Is.EqualTo(2));
    }

    [Test]
    public async Task Circuit_opens_after_repeated_failures_and_fails_fast()
    {
        await using var api = await FakeApi.StartAsync((ctx, _) => ctx.Status(500));
        var options = TestClients.FastOptions(api);
        options.MaxAttempts = 1;
        options.CircuitBreaker = new CircuitBreakerSettings
        {
            FailureRatio = 0.5,
            MinimumThroughput = 4,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(30),
        };
        using var client = TestClients.Create(options);

        for (var i = 0; i < 4; i++)
        {
            using var failed = await client.GetAsync("x");
            Assert.That(failed.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        }

        Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync("x"));
        Assert.That(api.Requests, Is.EqualTo(4), "an open circuit must not reach the server");
    }

    [Test]
    public async Task Throttling_does_not_open_the_circuit()
    {
        await using var api = await FakeApi.StartAsync((ctx, _) => ctx.Status(429));
        var options = TestClients.FastOptions(api);
        options.MaxAttempts = 1;
        options.CircuitBreaker = new CircuitBreakerSettings { MinimumThroughput = 2, FailureRatio = 0.5 };
        using var client = TestClients.Create(options);

        for (var i = 0; i < 5; i++)
        {
            using var response = await client.GetAsync("x");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        }

        Assert.That(api.Requests, Is.EqualTo(5));
    }

    [Test]
    public async Task Retried_responses_are_disposed()
    {
        var responses = new List<TrackedContent>();
        var statuses = new Queue<HttpStatusCode>([HttpStatusCode.ServiceUnavailable, HttpStatusCode.TooManyRequests, HttpStatusCode.OK]);
        var fake = new StubHandler(_ =>
        {
            var content = new TrackedContent();
            responses.Add(content);
            return new HttpResponseMessage(statuses.Dequeue()) { Content = content };
        });
        var options = new SourceHttpOptions
        {
            MaxAttempts = 3,
            BaseDelay = TimeSpan.FromMilliseconds(1),
            CircuitBreaker = new CircuitBreakerSettings { Enabled = false },
        };
        using var pipelines = new SourcePipelineProvider();
        using var client = new HttpClient(new SourceResilienceHandler(pipelines.GetPipeline("a", options), options) { InnerHandler = fake });

        using var response = await client.GetAsync(new Uri("http://127.0.0.1/x"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(responses.Select(r => r.Disposed), Is.EqualTo(new[] { true, true, false }));
    }

    [Test]
    public async Task Throttle_signal_can_wait_or_stop()
    {
        // HubSpot's 429 body: a DAILY policy is spent for the day, TEN_SECONDLY_ROLLING frees up within the window.
        var hubSpot = new DelegateThrottleSignal(async (response, ct) =>
        {
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                return null;
            }

            var error = JsonSerializer.Deserialize(await response.ReadBufferedStringAsync(ct), TestJsonContext.Default.HubSpotError);
            return error?.PolicyName switch
            {
                "DAILY" => ThrottleDecision.StopNow("HubSpot DAILY limit"),
                "TEN_SECONDLY_ROLLING" => ThrottleDecision.Wait(TimeSpan.FromMilliseconds(200), "HubSpot ten-secondly limit"),
                _ => null,
            };
        });
        await using var api = await FakeApi.StartAsync((ctx, n) => ctx.Request.Path.Value switch
        {
            "/daily" => ctx.Json("""{"policyName":"DAILY"}""", 429),
            "/rolling" when n == 2 => ctx.Json("""{"policyName":"TEN_SECONDLY_ROLLING"}""", 429),
            _ => ctx.Json("{}"),
        });
        var options = TestClients.FastOptions(api);
        options.ThrottleSignal = hubSpot;
        using var client = TestClients.Create(options);

        var stopped = Assert.ThrowsAsync<SourceThrottledException>(() => client.GetAsync("daily"));
        Assert.That(stopped!.Reason, Is.EqualTo("HubSpot DAILY limit"));
        Assert.That(api.Requests, Is.EqualTo(1), "a spent daily quota must not be retried");

        var watch = Stopwatch.StartNew();
        using var response = await client.GetAsync("rolling");
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(api.Requests, Is.EqualTo(3));
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(180)));
        });
    }

    [Test]
    public async Task Throttle_signal_makes_an_otherwise_final_status_retryable()
    {
        // Meta reports rate limiting as 400 with error code 17/613 and a usage header.
        var meta = new DelegateThrottleSignal((response, _) => ValueTask.FromResult(
            response.Headers.Contains("x-business-use-case-usage") ? ThrottleDecision.Wait(TimeSpan.FromMilliseconds(20), "Meta BUC") : null));
        await using var api = await FakeApi.StartAsync((ctx, n) =>
        {
            if (n == 1)
            {
                ctx.Response.Headers["x-business-use-case-usage"] = """{"1":[{"estimated_time_to_regain_access":0}]}""";
                return ctx.Json("""{"error":{"code":17}}""", 400);
            }

            return n == 2 ? ctx.Json("""{"error":{"code":100}}""", 400) : ctx.Json("{}");
        });
        var options = TestClients.FastOptions(api);
        options.ThrottleSignal = meta;
        using var client = TestClients.Create(options);

        using var response = await client.GetAsync("x");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a plain 400 after the throttled one is final");
        Assert.That(api.Requests, Is.EqualTo(2));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("100"));
    }

    private sealed class TrackedContent : StringContent
    {
        public TrackedContent()
            : base("{}")
        {
        }

        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}

internal sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(respond(request));
}
