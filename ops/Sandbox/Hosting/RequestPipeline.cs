using Pipeline.Sandbox.Faults;
using Pipeline.Sandbox.HubSpot;
using Pipeline.Sandbox.Mailchimp;
using Pipeline.Sandbox.Meta;

namespace Pipeline.Sandbox.Hosting;

/// <summary>Cross-cutting steps every request passes before an endpoint: classify, count, platform limits, faults.</summary>
internal static class RequestPipeline
{
    private const string ApiKey = "sandbox.api";

    public static SandboxApi? ApiOf(HttpContext ctx) => ctx.Items.TryGetValue(ApiKey, out var api) ? (SandboxApi)api! : null;

    public static void Use(WebApplication app, SandboxState state)
    {
        app.Use(async (ctx, next) =>
        {
            var api = Classify(ctx.Request.Path);
            if (api is not { } known)
            {
                await next(ctx);
                return;
            }

            ctx.Items[ApiKey] = known;
            Interlocked.Increment(ref state.RequestCounts[(int)known]);
            // Limits are per account (property, ad account, API key, token): a client's request meets its own.
            var tenant = state.TenantOf(ctx);
            if (known == SandboxApi.Meta && MetaUsage.OverLimit(ctx, tenant))
            {
                await MetaErrors.Throttled(ctx, userLimit: false);
                return;
            }

            switch (known)
            {
                // Limits wrap the fault step so a slow response still holds its concurrency slot.
                case SandboxApi.Mailchimp:
                    await MailchimpAuth.WithinConcurrencyLimit(ctx, tenant, () => ApplyFaults(ctx, next, state, known));
                    break;
                case SandboxApi.Ga4:
                    await WithinGa4Concurrency(ctx, tenant, () => ApplyFaults(ctx, next, state, known));
                    break;
                case SandboxApi.HubSpot:
                    await HubSpotRateLimiter.WithinRateLimit(ctx, tenant, () => ApplyFaults(ctx, next, state, known));
                    break;
                default:
                    await ApplyFaults(ctx, next, state, known);
                    break;
            }
        });
    }

    private static async Task WithinGa4Concurrency(HttpContext ctx, SandboxState state, Func<Task> next)
    {
        // One budget per property: each state serves one.
        if (!state.Ga4Gate.TryEnter("property", state.Observed.Ga4Concurrent))
        {
            state.Observed.Refuse(SandboxApi.Ga4);
            await Ga4.GoogleErrors.ConcurrentRequestsExhausted(ctx);
            return;
        }

        try
        {
            await next();
        }
        finally
        {
            state.Ga4Gate.Exit("property");
        }
    }

    private static SandboxApi? Classify(PathString path)
    {
        if (path.StartsWithSegments("/ga4"))
        {
            return SandboxApi.Ga4;
        }

        if (path.StartsWithSegments("/google"))
        {
            return SandboxApi.GoogleOAuth;
        }

        if (path.StartsWithSegments("/meta"))
        {
            return SandboxApi.Meta;
        }

        if (path.StartsWithSegments("/mailchimp"))
        {
            return SandboxApi.Mailchimp;
        }

        if (path.StartsWithSegments("/pipedrive"))
        {
            return SandboxApi.Pipedrive;
        }

        return path.StartsWithSegments("/hubspot") ? SandboxApi.HubSpot : null;
    }

    private static async Task ApplyFaults(HttpContext ctx, RequestDelegate next, SandboxState state, SandboxApi api)
    {
        var fault = state.Faults.Next(api);
        switch (fault)
        {
            case FaultKind.None:
                await next(ctx);
                break;
            case FaultKind.SlowResponse:
                await Task.Delay(state.Faults.Options.SlowResponseDelay, ctx.RequestAborted);
                await next(ctx);
                break;
            case FaultKind.DropConnection:
            case FaultKind.MalformedJson:
                await Corrupt(ctx, next, fault);
                break;
            default:
                await FaultResponses.Write(ctx, state, api, fault);
                break;
        }
    }

    /// <summary>Runs the real endpoint into a buffer, then sends only part of it.</summary>
    private static async Task Corrupt(HttpContext ctx, RequestDelegate next, FaultKind fault)
    {
        var original = ctx.Response.Body;
        using var buffer = new MemoryStream();
        ctx.Response.Body = buffer;
        try
        {
            await next(ctx);
        }
        finally
        {
            ctx.Response.Body = original;
        }

        var bytes = buffer.ToArray();
        var half = Math.Max(1, bytes.Length / 2);
        if (fault == FaultKind.DropConnection)
        {
            // Promise the full length, deliver half, then cut the connection: the client fails mid-body.
            ctx.Response.ContentLength = bytes.Length;
            await original.WriteAsync(bytes.AsMemory(0, Math.Min(half, bytes.Length)), ctx.RequestAborted);
            await original.FlushAsync(ctx.RequestAborted);
            ctx.Abort();
            return;
        }

        // A complete HTTP response whose JSON ends halfway: only a parser notices.
        ctx.Response.StatusCode = StatusCodes.Status200OK;
        ctx.Response.ContentLength = half;
        await original.WriteAsync(bytes.AsMemory(0, Math.Min(half, bytes.Length)), ctx.RequestAborted);
    }
}
