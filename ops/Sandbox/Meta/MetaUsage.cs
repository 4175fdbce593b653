using System.Collections.Concurrent;
using System.Globalization;
using Pipeline.Sandbox.Hosting;

namespace Pipeline.Sandbox.Meta;

/// <summary>Rolling call counts behind Meta's usage headers, which connectors read to slow down before throttling.</summary>
internal sealed class MetaUsage
{
    private const string ThrottledKey = "meta.throttled";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);
    private readonly ConcurrentQueue<DateTimeOffset> calls = new();

    /// <summary>About 400 calls in 10 minutes is 100%.</summary>
    public int UtilizationPercent()
    {
        var now = DateTimeOffset.UtcNow;
        calls.Enqueue(now);
        while (calls.TryPeek(out var oldest) && oldest < now - Window)
        {
            calls.TryDequeue(out _);
        }

        return Math.Min(100, calls.Count / 4);
    }

    public static void MarkThrottled(HttpContext ctx) => ctx.Items[ThrottledKey] = true;

    /// <summary>
    /// Counts the call against the account's usage and attaches the usage headers; true when the sandbox enforces the
    /// limit and this call finds the account at 100 % (Meta then answers with its throttling error).
    /// </summary>
    public static bool OverLimit(HttpContext ctx, SandboxState state)
    {
        var pct = AttachHeaders(ctx, state);
        state.Observed.MetaUsagePercent(pct);
        if (!state.Options.MetaEnforcesUsage || pct < 100)
        {
            return false;
        }

        MarkThrottled(ctx);
        state.Observed.Refuse(SandboxApi.Meta);
        return true;
    }

    private static int AttachHeaders(HttpContext ctx, SandboxState state)
    {
        var pct = state.MetaUsage.UtilizationPercent();
        ctx.Response.OnStarting(() =>
        {
            var throttled = ctx.Items.ContainsKey(ThrottledKey);
            var used = throttled ? 100 : pct;
            var regain = throttled ? state.Options.MetaThrottleRegainMinutes : 0;
            var business = state.World.Meta.Accounts[0].BusinessId;
            var h = ctx.Response.Headers;
            h["x-business-use-case-usage"] = string.Create(CultureInfo.InvariantCulture,
                $$"""{"{{business}}":[{"type":"ads_insights","call_count":{{used}},"total_cputime":{{used / 2}},"total_time":{{used / 2}},"estimated_time_to_regain_access":{{regain}},"ads_api_access_tier":"standard_access"}]}""");
            h["x-ad-account-usage"] = string.Create(CultureInfo.InvariantCulture,
                $$"""{"acc_id_util_pct":{{used}},"reset_time_duration":{{regain * 60}},"ads_api_access_tier":"standard_access"}""");
            h["x-fb-ads-insights-throttle"] = string.Create(CultureInfo.InvariantCulture,
                $$"""{"app_id_util_pct":{{used / 2}},"acc_id_util_pct":{{used}},"ads_api_access_tier":"standard_access"}""");
            h["x-app-usage"] = string.Create(CultureInfo.InvariantCulture, $$"""{"call_count":{{used / 2}},"total_cputime":{{used / 4}},"total_time":{{used / 4}}}""");
            return Task.CompletedTask;
        });
        return pct;
    }
}
