namespace Pipeline.Sandbox.Faults;

/// <summary>What can go wrong with a request. Each platform renders a fault with its own real status, body and headers.</summary>
public enum FaultKind
{
    None,

    /// <summary>Throttled: GA4 429 RESOURCE_EXHAUSTED, Meta code 80004/17 (HTTP 400, as Meta sends it), Mailchimp 429, HubSpot 429 TEN_SECONDLY_ROLLING.</summary>
    RateLimit,

    ServerError,
    ServiceUnavailable,

    /// <summary>The response is correct but arrives after <see cref="FaultOptions.SlowResponseDelay"/>.</summary>
    SlowResponse,

    /// <summary>Headers and part of the body are sent, then the connection is aborted.</summary>
    DropConnection,

    /// <summary>HTTP 200 with a truncated JSON body.</summary>
    MalformedJson,

    /// <summary>401 as for an expired token; a GA4 bearer token is revoked too, so the client must fetch a new one.</summary>
    ExpiredToken,

    /// <summary>A long-period quota is used up: GA4 tokensPerDay, Meta code 4, HubSpot DAILY (Mailchimp has none: 429).</summary>
    QuotaExhausted,

    /// <summary>
    /// Mailchimp under load: a bare 403 with no body (its connection limit, not a refusal). The other platforms
    /// have no such answer and send their usual <see cref="RateLimit"/> instead.
    /// </summary>
    BareForbidden,
}

/// <summary>Random fault rates (each 0..1, together at most 1). Decisions are a function of the seed and the request's ordinal per API.</summary>
public sealed record FaultOptions
{
    public int Seed { get; init; } = 7;
    public double RateLimitRate { get; init; }
    public double ServerErrorRate { get; init; }
    public double ServiceUnavailableRate { get; init; }
    public double SlowResponseRate { get; init; }
    public double DropConnectionRate { get; init; }
    public double MalformedJsonRate { get; init; }
    public double ExpiredTokenRate { get; init; }
    public double QuotaExhaustedRate { get; init; }
    public double BareForbiddenRate { get; init; }
    public TimeSpan SlowResponseDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>APIs the random faults apply to; null means the four data APIs (never the token endpoint).</summary>
    public IReadOnlySet<SandboxApi>? Apis { get; init; }

    public static FaultOptions None { get; } = new();

    internal IEnumerable<(FaultKind Kind, double Rate)> Rates()
    {
        yield return (FaultKind.RateLimit, RateLimitRate);
        yield return (FaultKind.ServerError, ServerErrorRate);
        yield return (FaultKind.ServiceUnavailable, ServiceUnavailableRate);
        yield return (FaultKind.SlowResponse, SlowResponseRate);
        yield return (FaultKind.DropConnection, DropConnectionRate);
        yield return (FaultKind.MalformedJson, MalformedJsonRate);
        yield return (FaultKind.ExpiredToken, ExpiredTokenRate);
        yield return (FaultKind.QuotaExhausted, QuotaExhaustedRate);
        yield return (FaultKind.BareForbidden, BareForbiddenRate);
    }
}
