using System.Security.Cryptography;
using Pipeline.Sandbox.Faults;
using Pipeline.Sandbox.Ga4;
using Pipeline.Sandbox.HubSpot;
using Pipeline.Sandbox.Meta;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Hosting;

/// <summary>Everything the endpoints share: the world, credentials, issued tokens, limits and counters.</summary>
internal sealed class SandboxState : IDisposable
{
    public SandboxState(SandboxOptions options)
    {
        Options = options;
        World = new SandboxWorld(options.World);
        Faults = new FaultController(options.Faults);
        ServiceAccountKey = RSA.Create(2048);
        var seed = options.World.Seed;
        ServiceAccountKeyId = Det.Hex(40, seed, Salt.Token, 1);
        var overrides = options.Credentials ?? new SandboxCredentialOverrides();
        MetaAccessToken = overrides.MetaAccessToken ?? "EAAS" + Det.Hex(60, seed, Salt.Token, 2).ToUpperInvariant();
        MailchimpApiKeys = [overrides.MailchimpApiKey ?? Det.Hex(32, seed, Salt.MailKey, 0) + "-us21", Det.Hex(32, seed, Salt.MailKey, 1) + "-us21"];
        HubSpotAccessToken = overrides.HubSpotAccessToken ?? "pat-eu1-" + Det.Hex(8, seed, Salt.HubToken, 0) + "-" + Det.Hex(4, seed, Salt.HubToken, 1) + "-" + Det.Hex(4, seed, Salt.HubToken, 2)
            + "-" + Det.Hex(4, seed, Salt.HubToken, 3) + "-" + Det.Hex(12, seed, Salt.HubToken, 4);
        GoogleClientId = Det.Digits(12, seed, Salt.Token, 3) + "-sandbox.apps.googleusercontent.com";
        GoogleClientSecret = overrides.GoogleClientSecret ?? "GOCSPX-" + Det.Hex(28, seed, Salt.Token, 4);
        GoogleRefreshToken = overrides.GoogleRefreshToken ?? "1//sandbox-" + Det.Hex(40, seed, Salt.Token, 5);
        Ga4Quota = new Ga4Quota(options.Ga4TokensPerDay);
        MailchimpGate = new ConcurrencyGate(options.MailchimpMaxConcurrentRequests);
        Ga4Gate = new ConcurrencyGate(options.Ga4ConcurrentRequests);
        HubSpotLimiter = new HubSpotRateLimiter(options.HubSpotRequestsPerTenSeconds, options.HubSpotSearchRequestsPerSecond);
    }

    public SandboxOptions Options { get; }
    public SandboxWorld World { get; }
    public FaultController Faults { get; }
    public RSA ServiceAccountKey { get; }
    public string ServiceAccountKeyId { get; }
    public string ServiceAccountEmail => "pipeline-sandbox@sandbox-project.iam.gserviceaccount.com";
    public string MetaAccessToken { get; }
    public IReadOnlyList<string> MailchimpApiKeys { get; }
    public string HubSpotAccessToken { get; }
    public string GoogleClientId { get; }
    public string GoogleClientSecret { get; }
    public string GoogleRefreshToken { get; }
    public GoogleTokenStore GoogleTokens { get; } = new();
    public Ga4Quota Ga4Quota { get; }
    public Ga4DayCounts Ga4DayCounts { get; } = new();
    public MetaUsage MetaUsage { get; } = new();
    public MetaJobStore MetaJobs { get; } = new();
    public ConcurrencyGate MailchimpGate { get; }
    public ConcurrencyGate Ga4Gate { get; }
    public HubSpotRateLimiter HubSpotLimiter { get; }
    public long[] RequestCounts { get; } = new long[Enum.GetValues<SandboxApi>().Length];

    /// <summary>Set once Kestrel has bound its port.</summary>
    public Uri BaseAddress { get; set; } = new("http://127.0.0.1/");

    public Uri GoogleTokenUri => new(BaseAddress, "google/token");

    public void Dispose() => ServiceAccountKey.Dispose();
}
