using System.Globalization;
using Pipeline.Sandbox.Hosting;

namespace Pipeline.Sandbox.HubSpot;

/// <summary>Rolling windows per token: a burst limit over 10 s for everything and a per-second limit for search.</summary>
internal sealed class HubSpotRateLimiter(int perTenSeconds, int searchPerSecond)
{
    private readonly Dictionary<string, (Queue<DateTimeOffset> All, Queue<DateTimeOffset> Search)> windows = new(StringComparer.Ordinal);

    /// <summary>Returns the violated policy name, or null and the remaining burst budget.</summary>
    public (string? Policy, int Remaining) TryAcquire(string token, bool isSearch)
    {
        var now = DateTimeOffset.UtcNow;
        lock (windows)
        {
            if (!windows.TryGetValue(token, out var w))
            {
                w = (new Queue<DateTimeOffset>(), new Queue<DateTimeOffset>());
                windows[token] = w;
            }

            Trim(w.All, now - TimeSpan.FromSeconds(10));
            Trim(w.Search, now - TimeSpan.FromSeconds(1));
            if (w.All.Count >= perTenSeconds)
            {
                return ("TEN_SECONDLY_ROLLING", 0);
            }

            if (isSearch && w.Search.Count >= searchPerSecond)
            {
                return ("SECONDLY", perTenSeconds - w.All.Count);
            }

            w.All.Enqueue(now);
            if (isSearch)
            {
                w.Search.Enqueue(now);
            }

            return (null, perTenSeconds - w.All.Count);
        }
    }

    private static void Trim(Queue<DateTimeOffset> queue, DateTimeOffset cutoff)
    {
        while (queue.Count > 0 && queue.Peek() < cutoff)
        {
            queue.Dequeue();
        }
    }

    public static async Task WithinRateLimit(HttpContext ctx, SandboxState state, Func<Task> next)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header[7..].Trim() != state.HubSpotAccessToken)
        {
            await next();
            return;
        }

        var isSearch = HttpMethods.IsPost(ctx.Request.Method) && ctx.Request.Path.Value!.EndsWith("/search", StringComparison.Ordinal);
        var (policy, remaining) = state.HubSpotLimiter.TryAcquire(state.HubSpotAccessToken, isSearch);
        if (policy is not null)
        {
            state.Observed.Refuse(SandboxApi.HubSpot);
            await HubSpotErrors.RateLimited(ctx, policy);
            return;
        }

        // Requests in the rolling 10 s window, this one included: the most any 10 s saw from this token.
        state.Observed.HubSpotTenSeconds(state.Options.HubSpotRequestsPerTenSeconds - remaining);
        if (!isSearch)
        {
            // Search responses carry no rate-limit headers in HubSpot either.
            var h = ctx.Response.Headers;
            h["X-HubSpot-RateLimit-Max"] = state.Options.HubSpotRequestsPerTenSeconds.ToString(CultureInfo.InvariantCulture);
            h["X-HubSpot-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
            h["X-HubSpot-RateLimit-Interval-Milliseconds"] = "10000";
            h["X-HubSpot-RateLimit-Daily"] = "250000";
        }

        await next();
    }
}
