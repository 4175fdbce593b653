using Pipeline.Sandbox.Faults;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox;

/// <summary>How to run a sandbox: where to listen, which world to serve, which faults and limits to apply.</summary>
public sealed record SandboxOptions
{
    /// <summary>Port on 127.0.0.1; 0 lets the OS pick a free one (see <see cref="SandboxServer.BaseAddress"/>).</summary>
    public int Port { get; init; }

    public WorldOptions World { get; init; } = WorldOptions.Demo;

    public FaultOptions Faults { get; init; } = FaultOptions.None;

    /// <summary>HubSpot private-app burst limit per token (Free/Starter: 100 per 10 s).</summary>
    public int HubSpotRequestsPerTenSeconds { get; init; } = 100;

    /// <summary>HubSpot search endpoints limit per token.</summary>
    public int HubSpotSearchRequestsPerSecond { get; init; } = 5;

    /// <summary>Mailchimp simultaneous connections per API key.</summary>
    public int MailchimpMaxConcurrentRequests { get; init; } = 10;

    /// <summary>GA4 concurrent requests per property (standard: 10); more get 429 RESOURCE_EXHAUSTED.</summary>
    public int Ga4ConcurrentRequests { get; init; } = 10;

    /// <summary>GA4 standard property daily token quota; set it low to see tokensPerDay run out for real.</summary>
    public long Ga4TokensPerDay { get; init; } = 200_000;

    /// <summary>Meta sync insights requests estimated above this many rows fail with code 1 ("reduce the amount of data").</summary>
    public int MetaSyncRowLimit { get; init; } = 100_000;

    /// <summary>
    /// Minutes a throttled Meta response announces in <c>estimated_time_to_regain_access</c> (real throttles say
    /// minutes; 0 lets tests retry at once through the connector's regular backoff).
    /// </summary>
    public int MetaThrottleRegainMinutes { get; init; } = 5;

    /// <summary>
    /// GA4 reports spanning more days than this come back sampled (<c>metadata.samplingMetadatas</c>), as
    /// standard properties do for large date ranges; null never samples.
    /// </summary>
    public int? Ga4SampledAboveDays { get; init; }

    /// <summary>Every GA4 response says <c>subjectToThresholding</c> (Google signals enabled on the property).</summary>
    public bool Ga4Thresholded { get; init; }

    /// <summary>
    /// Credentials to accept instead of the ones derived from the world's seed (e.g. sentinel values a test then
    /// searches logs and tables for); null fields keep the derived value.
    /// </summary>
    public SandboxCredentialOverrides? Credentials { get; init; }

    /// <summary>
    /// Meta answers a call over the account's usage (100 % of about 400 calls in 10 minutes) with its throttling error
    /// (code 80000) instead of only reporting the usage. Off by default: history loads with pacing off rely on it.
    /// </summary>
    public bool MetaEnforcesUsage { get; init; }

    /// <summary>Client accounts served besides the world's own (an agency's clients); none by default.</summary>
    public AgencyAccounts Agency { get; init; } = new();

    /// <summary>Log requests to the console (the CLI turns this on).</summary>
    public bool ConsoleLogging { get; init; }

    /// <summary>
    /// A folder to copy every report body the sandbox sends with 200 to (GA4 runReport, Meta insights; one numbered
    /// file each): the benchmarks' floor reads the bytes the pipeline read, without the pipeline paying for the copy.
    /// </summary>
    public string? RecordReportBodiesTo { get; init; }
}

/// <summary>Credential values a sandbox accepts instead of its seed-derived ones.</summary>
public sealed record SandboxCredentialOverrides
{
    public string? MetaAccessToken { get; init; }

    /// <summary>Must end in a datacenter suffix such as <c>-us21</c>, as real keys do.</summary>
    public string? MailchimpApiKey { get; init; }

    public string? HubSpotAccessToken { get; init; }

    public string? GoogleClientSecret { get; init; }

    public string? GoogleRefreshToken { get; init; }
}
