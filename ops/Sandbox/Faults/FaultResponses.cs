using Pipeline.Sandbox.Ga4;
using Pipeline.Sandbox.Hosting;
using Pipeline.Sandbox.HubSpot;
using Pipeline.Sandbox.Mailchimp;
using Pipeline.Sandbox.Meta;

namespace Pipeline.Sandbox.Faults;

/// <summary>Renders an injected fault the way the given platform really reports it.</summary>
internal static class FaultResponses
{
    public static Task Write(HttpContext ctx, SandboxState state, SandboxApi api, FaultKind fault) =>
        fault == FaultKind.BareForbidden && api != SandboxApi.Mailchimp ? Render(ctx, state, api, FaultKind.RateLimit) : Render(ctx, state, api, fault);

    private static Task Render(HttpContext ctx, SandboxState state, SandboxApi api, FaultKind fault) => api switch
    {
        SandboxApi.Ga4 => fault switch
        {
            FaultKind.RateLimit => GoogleErrors.TokensPerHourExhausted(ctx),
            FaultKind.QuotaExhausted => GoogleErrors.TokensPerDayExhausted(ctx),
            FaultKind.ServerError => GoogleErrors.Internal(ctx),
            FaultKind.ServiceUnavailable => GoogleErrors.Unavailable(ctx),
            _ => ExpireGoogleToken(ctx, state),
        },
        SandboxApi.GoogleOAuth => fault switch
        {
            FaultKind.RateLimit or FaultKind.QuotaExhausted => GoogleErrors.OAuth(ctx, 429, "rate_limit_exceeded", "Rate limit exceeded."),
            FaultKind.ServerError => GoogleErrors.OAuth(ctx, 500, "internal_failure", "Internal failure."),
            FaultKind.ServiceUnavailable => GoogleErrors.OAuth(ctx, 503, "temporarily_unavailable", "The service is temporarily unavailable."),
            _ => GoogleErrors.OAuth(ctx, 400, "invalid_grant", "Token has been expired or revoked."),
        },
        SandboxApi.Meta => fault switch
        {
            FaultKind.RateLimit => MetaThrottled(ctx, state),
            FaultKind.QuotaExhausted => MetaErrors.AppLimit(ctx),
            FaultKind.ServerError => MetaErrors.Unknown(ctx),
            FaultKind.ServiceUnavailable => MetaErrors.Unavailable(ctx),
            _ => MetaErrors.ExpiredToken(ctx),
        },
        SandboxApi.Mailchimp => fault switch
        {
            FaultKind.RateLimit or FaultKind.QuotaExhausted => MailchimpErrors.TooManyRequests(ctx),
            FaultKind.BareForbidden => MailchimpErrors.BareForbidden(ctx),
            FaultKind.ServerError => MailchimpErrors.Internal(ctx),
            FaultKind.ServiceUnavailable => MailchimpErrors.Unavailable(ctx),
            _ => MailchimpErrors.InvalidKey(ctx),
        },
        SandboxApi.Pipedrive => fault switch
        {
            FaultKind.RateLimit or FaultKind.QuotaExhausted => Pipedrive.PipedriveErrors.Write(ctx, 429, "Request over limit"),
            FaultKind.ServerError => Pipedrive.PipedriveErrors.Write(ctx, 500, "Internal server error"),
            FaultKind.ServiceUnavailable => Pipedrive.PipedriveErrors.Write(ctx, 503, "Service unavailable"),
            _ => Pipedrive.PipedriveErrors.Unauthorized(ctx),
        },
        _ => fault switch
        {
            FaultKind.RateLimit => HubSpotErrors.RateLimited(ctx, "TEN_SECONDLY_ROLLING"),
            FaultKind.QuotaExhausted => HubSpotErrors.RateLimited(ctx, "DAILY"),
            FaultKind.ServerError => HubSpotErrors.Internal(ctx),
            FaultKind.ServiceUnavailable => HubSpotErrors.Unavailable(ctx),
            _ => HubSpotErrors.ExpiredAuthentication(ctx),
        },
    };

    private static Task ExpireGoogleToken(HttpContext ctx, SandboxState state)
    {
        if (GoogleTokenStore.BearerOf(ctx) is { } token)
        {
            state.GoogleTokens.Revoke(token);
        }

        return GoogleErrors.Unauthenticated(ctx);
    }

    private static Task MetaThrottled(HttpContext ctx, SandboxState state)
    {
        MetaUsage.MarkThrottled(ctx);
        return MetaErrors.Throttled(ctx, userLimit: state.RequestCounts[(int)SandboxApi.Meta] % 2 == 0);
    }
}
