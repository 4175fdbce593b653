using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Pipeline.Connectors.Http;

namespace Pipeline.Connectors.HubSpot;

/// <summary>
/// HubSpot's 429 names the policy that was hit: <c>TEN_SECONDLY_ROLLING</c> waits for the rolling window (Retry-After
/// when sent), <c>SECONDLY</c> (search) waits briefly, <c>DAILY</c> stops: retrying cannot help until midnight in the
/// portal's time zone, so the request fails with <see cref="SourceThrottledException"/> and the run keeps its state.
/// Search 429 bodies may lack <c>policyName</c>: a 429 from a <c>/search</c> endpoint without a policy is the per-second
/// search limit, which clears in about a second, not the ten-second rolling window.
/// </summary>
internal sealed class HubSpotThrottleSignal(TimeSpan rollingWindowWait, TimeSpan secondlyWait, TimeProvider clock) : IThrottleSignal
{
    public const string DailyReason = "HubSpot DAILY API limit reached";

    public async ValueTask<ThrottleDecision?> InterpretAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.TooManyRequests)
        {
            return null;
        }

        var policy = PolicyOf(await response.ReadBufferedStringAsync(cancellationToken));
        var retryAfter = RetryAfter.From(response, clock.GetUtcNow());
        return policy switch
        {
            "DAILY" => ThrottleDecision.StopNow(DailyReason + "; stopped, the next run resumes from the committed state"),
            "SECONDLY" => ThrottleDecision.Wait(retryAfter ?? secondlyWait, "HubSpot SECONDLY (search) limit"),
            null when IsSearch(response.RequestMessage) => ThrottleDecision.Wait(retryAfter ?? secondlyWait, "HubSpot search limit (429 without policyName)"),
            _ => ThrottleDecision.Wait(retryAfter ?? rollingWindowWait, $"HubSpot {policy ?? "429"} limit"),
        };
    }

    private static bool IsSearch(HttpRequestMessage? request) =>
        request?.RequestUri?.AbsolutePath.EndsWith("/search", StringComparison.Ordinal) == true;

    internal static string? PolicyOf(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, HubSpotJson.Default.HubSpotErrorBody)?.PolicyName;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// The portal's request budget, shared by every connection of the account: at most N requests in any rolling
/// 10 s and at most M search requests in any rolling second, with search requests counting towards both (as HubSpot
/// and the sandbox count them). Strict rolling windows of send times, slightly widened for network jitter, so the
/// server's own rolling windows never see more.
/// </summary>
internal sealed class HubSpotRateBudget(int perTenSeconds, int searchPerSecond)
{
    private static readonly TimeSpan BurstWindow = TimeSpan.FromSeconds(10.25), SearchWindow = TimeSpan.FromSeconds(1.1);
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Queue<long> all = new();
    private readonly Queue<long> search = new();

    public async Task AcquireAsync(bool isSearch, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                var now = Stopwatch.GetTimestamp();
                Trim(all, now, BurstWindow);
                Trim(search, now, SearchWindow);
                var wait = TimeSpan.Zero;
                if (all.Count >= perTenSeconds)
                {
                    wait = BurstWindow - Stopwatch.GetElapsedTime(all.Peek(), now);
                }

                if (isSearch && search.Count >= searchPerSecond)
                {
                    var searchWait = SearchWindow - Stopwatch.GetElapsedTime(search.Peek(), now);
                    wait = searchWait > wait ? searchWait : wait;
                }

                if (wait <= TimeSpan.Zero)
                {
                    all.Enqueue(now);
                    if (isSearch)
                    {
                        search.Enqueue(now);
                    }

                    return;
                }

                await Task.Delay(wait, cancellationToken);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private static void Trim(Queue<long> queue, long now, TimeSpan window)
    {
        while (queue.Count > 0 && Stopwatch.GetElapsedTime(queue.Peek(), now) >= window)
        {
            queue.Dequeue();
        }
    }
}

/// <summary>Innermost handler of a HubSpot client: every attempt (retries included) takes a permit from the portal's budget.</summary>
internal sealed class HubSpotRateBudgetHandler(HubSpotRateBudget budget) : DelegatingHandler
{
    public const string SearchClass = "search";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await budget.AcquireAsync(request.GetEndpointClass() == SearchClass, cancellationToken);
        return await base.SendAsync(request, cancellationToken);
    }
}
