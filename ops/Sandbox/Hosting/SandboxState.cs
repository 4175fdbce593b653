using System.Security.Cryptography;
using Pipeline.Sandbox.Faults;
using Pipeline.Sandbox.Ga4;
using Pipeline.Sandbox.HubSpot;
using Pipeline.Sandbox.Meta;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Hosting;

/// <summary>
/// Everything the endpoints share: the world, credentials, issued tokens, limits and counters. An agency's client
/// accounts (<see cref="SandboxOptions.Agency"/>) each get a state of their own, with their own world, keys and
/// limits, sharing the agency's Google service account, Meta token, faults and request counts.
/// </summary>
internal sealed class SandboxState : IDisposable
{
    private readonly SandboxState? agency;
    private Uri baseAddress = new("http://127.0.0.1/");

    public SandboxState(SandboxOptions options)
        : this(options, options.World, null, 0)
    {
    }

    private SandboxState(SandboxOptions options, WorldOptions world, SandboxState? agency, int clientIndex)
    {
        this.agency = agency;
        Options = options;
        World = new SandboxWorld(world);
        var seed = world.Seed;
        var overrides = agency is null ? options.Credentials ?? new SandboxCredentialOverrides() : new SandboxCredentialOverrides();
        MailchimpApiKeys = agency is null
            ? [overrides.MailchimpApiKey ?? Det.Hex(32, seed, Salt.MailKey, 0) + "-us21", Det.Hex(32, seed, Salt.MailKey, 1) + "-us21"]
            : [Det.Hex(32, seed, Salt.MailKey, 0) + "-us21"];
        HubSpotAccessToken = overrides.HubSpotAccessToken ?? "pat-eu1-" + Det.Hex(8, seed, Salt.HubToken, 0) + "-" + Det.Hex(4, seed, Salt.HubToken, 1) + "-" + Det.Hex(4, seed, Salt.HubToken, 2)
            + "-" + Det.Hex(4, seed, Salt.HubToken, 3) + "-" + Det.Hex(12, seed, Salt.HubToken, 4);
        Ga4Quota = new Ga4Quota(options.Ga4TokensPerDay);
        MailchimpGate = new ConcurrencyGate(options.MailchimpMaxConcurrentRequests);
        Ga4Gate = new ConcurrencyGate(options.Ga4ConcurrentRequests);
        HubSpotLimiter = new HubSpotRateLimiter(options.HubSpotRequestsPerTenSeconds, options.HubSpotSearchRequestsPerSecond);
        if (agency is not null)
        {
            // One agency login reads every client: the same service account, Meta system user and fault plan.
            ClientIndex = clientIndex;
            Faults = agency.Faults;
            ServiceAccountKey = agency.ServiceAccountKey;
            ServiceAccountKeyId = agency.ServiceAccountKeyId;
            MetaAccessToken = agency.MetaAccessToken;
            GoogleClientId = agency.GoogleClientId;
            GoogleClientSecret = agency.GoogleClientSecret;
            GoogleRefreshToken = agency.GoogleRefreshToken;
            GoogleTokens = agency.GoogleTokens;
            MetaJobs = agency.MetaJobs;
            RequestCounts = agency.RequestCounts;
            Clients = [];
            return;
        }

        Faults = new FaultController(options.Faults);
        ServiceAccountKey = RSA.Create(2048);
        ServiceAccountKeyId = Det.Hex(40, seed, Salt.Token, 1);
        MetaAccessToken = overrides.MetaAccessToken ?? "EAAS" + Det.Hex(60, seed, Salt.Token, 2).ToUpperInvariant();
        GoogleClientId = Det.Digits(12, seed, Salt.Token, 3) + "-sandbox.apps.googleusercontent.com";
        GoogleClientSecret = overrides.GoogleClientSecret ?? "GOCSPX-" + Det.Hex(28, seed, Salt.Token, 4);
        GoogleRefreshToken = overrides.GoogleRefreshToken ?? "1//sandbox-" + Det.Hex(40, seed, Salt.Token, 5);
        GoogleTokens = new GoogleTokenStore();
        MetaJobs = new MetaJobStore();
        RequestCounts = new long[Enum.GetValues<SandboxApi>().Length];
        options.Agency.Validate();
        Clients = [.. Enumerable.Range(0, options.Agency.Clients)
            .Select(i => new SandboxState(options, AgencyAccounts.ClientWorld(options.World, i), this, i))];
        Tenants = new AgencyTenants(this);
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
    public GoogleTokenStore GoogleTokens { get; }
    public Ga4Quota Ga4Quota { get; }
    public Ga4DayCounts Ga4DayCounts { get; } = new();
    public MetaUsage MetaUsage { get; } = new();
    public MetaJobStore MetaJobs { get; }
    public ConcurrencyGate MailchimpGate { get; }
    public ConcurrencyGate Ga4Gate { get; }
    public HubSpotRateLimiter HubSpotLimiter { get; }
    public long[] RequestCounts { get; }

    /// <summary>The highest load this account's limits measured, and what they refused.</summary>
    public QuotaObservations Observed { get; } = new();

    /// <summary>The agency's client accounts (empty for a client and when none are configured).</summary>
    public IReadOnlyList<SandboxState> Clients { get; }

    /// <summary>A client's position in <see cref="Clients"/>; null for the agency's own state.</summary>
    public int? ClientIndex { get; }

    /// <summary>Finds the account a request is for; only the agency's own state has it.</summary>
    public AgencyTenants? Tenants { get; }

    /// <summary>Set once Kestrel has bound its port (clients read the agency's).</summary>
    public Uri BaseAddress
    {
        get => agency?.BaseAddress ?? baseAddress;
        set => baseAddress = value;
    }

    public Uri GoogleTokenUri => new(BaseAddress, "google/token");

    /// <summary>The state that serves this request: a client's, when the request names one of their accounts.</summary>
    public SandboxState TenantOf(HttpContext ctx) => Tenants?.Of(ctx) ?? this;

    public void Dispose()
    {
        if (agency is null)
        {
            ServiceAccountKey.Dispose();
        }
    }
}
