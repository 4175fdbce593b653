using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Pipeline.Sandbox.Faults;
using Pipeline.Sandbox.Ga4;
using Pipeline.Sandbox.Hosting;
using Pipeline.Sandbox.HubSpot;
using Pipeline.Sandbox.Mailchimp;
using Pipeline.Sandbox.Meta;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox;

/// <summary>
/// In-process Kestrel on 127.0.0.1 serving GA4, Google OAuth, Meta, Mailchimp and HubSpot emulators over one
/// synthetic world. Point a connector's base URL at the matching *BaseAddress.
/// </summary>
public sealed class SandboxServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly SandboxState state;

    private SandboxServer(WebApplication app, SandboxState state, Uri baseAddress)
    {
        this.app = app;
        this.state = state;
        BaseAddress = baseAddress;
        Credentials = new SandboxCredentials
        {
            Ga4PropertyId = state.World.Ga4.PropertyId,
            GoogleServiceAccountKeyJson = GoogleTokenEndpoint.ServiceAccountKeyJson(state),
            GoogleServiceAccountEmail = state.ServiceAccountEmail,
            GoogleTokenUri = state.GoogleTokenUri,
            GoogleClientId = state.GoogleClientId,
            GoogleClientSecret = state.GoogleClientSecret,
            GoogleRefreshToken = state.GoogleRefreshToken,
            MetaAccessToken = state.MetaAccessToken,
            MetaAdAccountIds = state.World.Meta.Accounts.Select(a => a.AccountId).ToList(),
            MailchimpApiKeys = state.MailchimpApiKeys,
            MailchimpListIds = state.World.Mailchimp.Lists.Select(l => l.Id).ToList(),
            HubSpotAccessToken = state.HubSpotAccessToken,
            HubSpotPortalId = state.World.Crm.PortalId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Clients = [.. state.Clients.Select(ClientCredentials)],
        };
    }

    /// <summary>Root URL, e.g. http://127.0.0.1:5055/ (always with a trailing slash).</summary>
    public Uri BaseAddress { get; }

    /// <summary>Replaces https://analyticsdata.googleapis.com/ (append v1beta/properties/{id}:runReport).</summary>
    public Uri Ga4BaseAddress => new(BaseAddress, "ga4/");

    /// <summary>Replaces https://oauth2.googleapis.com/token.</summary>
    public Uri GoogleTokenUri => state.GoogleTokenUri;

    /// <summary>Replaces https://graph.facebook.com/ (append v21.0/act_{id}/insights).</summary>
    public Uri MetaBaseAddress => new(BaseAddress, "meta/");

    /// <summary>Replaces https://us21.api.mailchimp.com/3.0/.</summary>
    public Uri MailchimpBaseAddress => new(BaseAddress, "mailchimp/3.0/");

    /// <summary>Replaces https://api.hubapi.com/.</summary>
    public Uri HubSpotBaseAddress => new(BaseAddress, "hubspot/");

    /// <summary>Pipedrive's company domain root: the API is under <c>api/v2/</c>.</summary>
    public Uri PipedriveBaseAddress => new(BaseAddress, "pipedrive/");

    public SandboxWorld World => state.World;

    public SandboxCredentials Credentials { get; }

    /// <summary>Fault injection; change <see cref="FaultController.Options"/> or force faults while running.</summary>
    public FaultController Faults => state.Faults;

    /// <summary>
    /// Per account, the highest load each platform limit measured and what it refused: the agency's own accounts first,
    /// then each client's (also served as JSON at <c>GET _sandbox/stats</c>).
    /// </summary>
    public IReadOnlyList<AccountQuotaStats> QuotaStats() => Sandbox.QuotaStats.Read(state);

    /// <summary>Requests received by an API so far, including throttled and faulted ones.</summary>
    public long RequestCount(SandboxApi api) => Interlocked.Read(ref state.RequestCounts[(int)api]);

    /// <summary>A service-account JSON key (RS256 key generated per server) whose token_uri is this sandbox.</summary>
    public string CreateServiceAccountKeyJson() => GoogleTokenEndpoint.ServiceAccountKeyJson(state);

    /// <summary>Shortcut for tests that do not exercise OAuth: a valid GA4 bearer token.</summary>
    public string IssueGoogleAccessToken() => state.GoogleTokens.Issue();

    /// <summary>Completes when the host is asked to stop (Ctrl+C or SIGTERM), then stops the server.</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default) => app.WaitForShutdownAsync(ct);

    public static async Task<SandboxServer> StartAsync(SandboxOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = new SandboxState(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        if (options.ConsoleLogging)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
            // The host logs a failed start (a busy port) with its whole stack trace; the caller reports it in one line.
            builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        }

        // Loopback only: the sandbox must never be reachable from elsewhere.
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        var app = builder.Build();
        if (options.RecordReportBodiesTo is { } recordTo)
        {
            ReportBodyRecorder.Use(app, recordTo);
        }

        RequestPipeline.Use(app, state);
        GoogleTokenEndpoint.Map(app, state);
        Ga4Api.Map(app, state);
        MetaApi.Map(app, state);
        MailchimpApi.Map(app, state);
        HubSpotApi.Map(app, state);
        Pipedrive.PipedriveApi.Map(app, state);
        app.MapGet("/_sandbox/stats", () => Results.Json(Sandbox.QuotaStats.Read(state)));
        app.MapPost("/_sandbox/advance-read-generation", () => Results.Json(new { readGeneration = state.World.AdvanceReadGeneration() }));

        // What `pipeline init --sandbox URL` asks: the same description `--json` prints (addresses, fake credentials).
        SandboxServer? self = null;
        app.MapGet("/_sandbox/description", () => self is null
            ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
            : Results.Text(SandboxDescription.Json(self), "application/json"));

        try
        {
            await app.StartAsync(ct);
        }
        catch (Exception ex)
        {
            await app.DisposeAsync();
            state.Dispose();
            if (ex is IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException })
            {
                throw new SandboxPortInUseException(options.Port, ex);
            }

            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        state.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        self = new SandboxServer(app, state, state.BaseAddress);
        return self;
    }

    private SandboxClientCredentials ClientCredentials(SandboxState client)
    {
        var i = client.ClientIndex!.Value;
        var counts = state.Options.Agency;
        var hubSpot = i < counts.HubSpotAccounts;
        return new SandboxClientCredentials(
            i,
            i < counts.Ga4Properties ? client.World.Ga4.PropertyId : null,
            i < counts.MetaAdAccounts ? client.World.Meta.Accounts[0].AccountId : null,
            i < counts.MailchimpAccounts ? client.MailchimpApiKeys[0] : null,
            hubSpot ? client.HubSpotAccessToken : null,
            hubSpot ? client.World.Crm.PortalId.ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        state.Dispose();
    }
}
