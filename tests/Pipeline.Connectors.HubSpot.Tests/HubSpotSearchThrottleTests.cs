using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Connectors.Streams;
using Pipeline.Sandbox;

namespace Pipeline.Connectors.HubSpot.Tests;

/// <summary>A search 429 whose body names no policy is HubSpot's per-second search limit: wait about a second, not ten.</summary>
public sealed class HubSpotSearchThrottleTests
{
    [Test]
    public async Task A_search_429_without_policyName_waits_the_secondly_limit_then_succeeds()
    {
        await using var sandbox = await SandboxServer.StartAsync(new SandboxOptions { World = Sandbox.World.WorldOptions.Demo with { Days = 10 } });
        var clock = new TimerRecordingClock(new DateTimeOffset(sandbox.World.Today.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));
        var options = HubSpotTest.Options(sandbox, o =>
        {
            o.SecondlyWait = TimeSpan.FromSeconds(1);
            o.RollingWindowWait = TimeSpan.FromSeconds(10);
        });
        var stub = new FirstSearchThrottled();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddHubSpotSource(options);
        services.AddHttpClient(HubSpotSource.ClientName(options.Accounts[0])).ConfigurePrimaryHttpMessageHandler(() => stub);
        await using var provider = services.BuildServiceProvider();
        var source = provider.GetRequiredService<ISource>();
        var connection = (await source.ConnectAsync()).Single();
        await using var _ = connection;
        var contacts = connection.Streams.Single(s => s.Stream.Name == "contacts");

        var cursor = clock.GetUtcNow().AddDays(-2).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var rows = 0;
        using var stop = new CancellationTokenSource();
        var read = Task.Run(async () =>
        {
            await foreach (var batch in contacts.ReadAsync(new StreamReadRequest(null, null, cursor), stop.Token))
            {
                rows += batch.Rows.Count;
            }
        });
        try
        {
            await stub.Throttled.Task.WaitAsync(TimeSpan.FromSeconds(30));
            clock.ArmAfter(stub.ThrottledAt);
            var wait = await clock.ShortTimer.Task.WaitAsync(TimeSpan.FromSeconds(30));

            Assert.That(wait, Is.EqualTo(TimeSpan.FromSeconds(1)), "the retry waits the per-second search limit, not the 10 s rolling window");
            clock.Advance(wait);
            await read.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.That(stub.Searches, Is.GreaterThanOrEqualTo(2), "the search was retried");
            Assert.That(rows, Is.GreaterThan(0), "and then read the changed contacts");
        }
        finally
        {
            // On failure the read may still sit in a longer fake wait: stop it rather than leave it behind.
            await stop.CancelAsync();
            await Task.WhenAny(read);
        }
    }

    /// <summary>Answers the first search with HubSpot's 429 body as sent without policyName (and no Retry-After); the rest goes to the sandbox.</summary>
    private sealed class FirstSearchThrottled() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int searches;

        public TaskCompletionSource Throttled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long ThrottledAt { get; private set; }

        public int Searches => Volatile.Read(ref searches);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/search", StringComparison.Ordinal) && Interlocked.Increment(ref searches) == 1)
            {
                ThrottledAt = TimerRecordingClock.Sequence;
                var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
                {
                    RequestMessage = request,
                    Content = new StringContent(
                        """{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT","correlationId":"c0ffee00-0000-4000-8000-000000000001","category":"RATE_LIMITS"}""",
                        Encoding.UTF8,
                        "application/json"),
                };
                Throttled.TrySetResult();
                return Task.FromResult(response);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>
    /// A fake clock that reports the first timer shorter than the SDK's attempt timeout created after a point: the
    /// retry's wait (timeouts are a minute or more).
    /// </summary>
    private sealed class TimerRecordingClock(DateTimeOffset start) : FakeTimeProvider(start)
    {
        private static long sequence;
        private long armedAfter = long.MaxValue;

        public static long Sequence => Interlocked.Increment(ref sequence);

        public TaskCompletionSource<TimeSpan> ShortTimer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private readonly List<(long At, TimeSpan Due)> created = [];

        public void ArmAfter(long at)
        {
            lock (created)
            {
                armedAfter = at;
                foreach (var (when, due) in created)
                {
                    Report(when, due);
                }
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (created)
            {
                var at = Sequence;
                created.Add((at, dueTime));
                Report(at, dueTime);
            }

            return base.CreateTimer(callback, state, dueTime, period);
        }

        private void Report(long at, TimeSpan due)
        {
            if (at > armedAfter && due > TimeSpan.Zero && due < TimeSpan.FromSeconds(59))
            {
                ShortTimer.TrySetResult(due);
            }
        }
    }
}
