using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Auth;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Modules;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.HubSpot;

/// <summary>HubSpot CRM: contacts, companies, deals, deal associations and deal pipelines; one connection per portal.</summary>
public sealed class HubSpotSource(
    HubSpotOptions options,
    IHttpClientFactory httpClients,
    ApiCallCounters counters,
    TimeProvider clock,
    ILoggerFactory? loggerFactory = null) : ISource
{
    private readonly ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<HubSpotSource>();
    private readonly HubSpotStreamSet streams = HubSpotStreams.For(options);

    public string Name => HubSpotStreams.Source;

    public IReadOnlyList<StreamDescriptor> Streams => streams.All;

    /// <summary>The HTTP client of a portal: named by a fingerprint of the credential (never the credential).</summary>
    public static string ClientName(HubSpotAccountOptions account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return $"hubspot:{account.Fingerprint()}";
    }

    /// <summary>
    /// Resolves each portal's id (<c>GET /account-info/v3/details</c>; a configured id that differs from it is a
    /// <see cref="HubSpotConfigException"/> naming both) and, when extra properties are
    /// configured, checks their names against <c>GET /crm/v3/properties/{object}</c>: an unknown name is a
    /// <see cref="HubSpotConfigException"/> naming it. Where the properties endpoint is not served the check is skipped.
    /// </summary>
    public async Task<IReadOnlyList<ISourceConnection>> ConnectAsync(CancellationToken cancellationToken = default)
    {
        var connections = new List<ISourceConnection>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var account in options.Accounts)
        {
            var name = ClientName(account);
            var api = new HubSpotApiClient(httpClients.CreateClient(name), account.Describe(), options, clock);
            string portalId;
            string? reportedZone = null;
            if (account.PortalId is { Length: > 0 } configured)
            {
                // A wrong PortalId would silently become every row's _account_id: check it against the token's portal
                // (when the token may read account-info; without that scope the configured id is taken as given).
                var details = await TryVerifyDetailsAsync(api, account, cancellationToken);
                if (details?.PortalId is { } actual && actual.ToString(CultureInfo.InvariantCulture) != configured)
                {
                    throw new HubSpotConfigException(string.Create(CultureInfo.InvariantCulture,
                        $"HubSpot {account.Describe()}: PortalId {configured} is configured, but the token belongs to portal {actual}; fix PortalId or leave it empty"));
                }

                portalId = configured;
                reportedZone = details?.TimeZone;
            }
            else
            {
                var details = await api.TryGetAccountDetailsAsync(cancellationToken)
                    ?? throw new HubSpotConfigException($"HubSpot {account.Describe()}: GET /account-info/v3/details is not available; configure PortalId");
                portalId = details.PortalId?.ToString(CultureInfo.InvariantCulture)
                    ?? throw new HubSpotConfigException($"HubSpot {account.Describe()}: account details carry no portalId; configure PortalId");
                reportedZone = details.TimeZone;
            }

            if (seen.TryGetValue(portalId, out var other))
            {
                throw new HubSpotConfigException($"HubSpot {account.Describe()} and {other} are the same portal ({portalId}); configure it once");
            }

            seen[portalId] = account.Describe();
            await CheckPropertiesAsync(api, account, cancellationToken);
            connections.Add(new HubSpotConnection(portalId, ResolveTimeZone(account, reportedZone), api, counters.For(name), options, clock));
        }

        return connections;
    }

    /// <summary>
    /// The details to check a configured PortalId against; null when HubSpot cannot answer now (daily limit, outage):
    /// the configured id stands, and the streams meet the same condition (a daily limit stops them without a call).
    /// </summary>
    private async Task<AccountDetails?> TryVerifyDetailsAsync(HubSpotApiClient api, HubSpotAccountOptions account, CancellationToken cancellationToken)
    {
        try
        {
            return await api.TryGetAccountDetailsAsync(cancellationToken);
        }
        catch (SourceHttpException ex)
        {
            logger.LogWarning("HubSpot {Account}: PortalId not verified against account-info ({Reason})", account.Describe(), ex.Message);
            return null;
        }
    }

    private async Task CheckPropertiesAsync(HubSpotApiClient api, HubSpotAccountOptions account, CancellationToken cancellationToken)
    {
        foreach (var (objectType, wanted) in new[] { ("contacts", options.ContactProperties), ("companies", options.CompanyProperties), ("deals", options.DealProperties) })
        {
            if (wanted.Count == 0)
            {
                continue;
            }

            var known = await api.TryGetPropertyNamesAsync(objectType, cancellationToken);
            if (known is null)
            {
                logger.LogWarning("HubSpot {Account}: GET /crm/v3/properties/{Object} is not available; extra property names are not checked", account.Describe(), objectType);
                continue;
            }

            var unknown = wanted.Where(p => !known.Contains(p)).ToList();
            if (unknown.Count > 0)
            {
                throw new HubSpotConfigException(
                    $"HubSpot {account.Describe()}: unknown {objectType} properties: {string.Join(", ", unknown.Select(p => $"'{p}'"))} (not in GET /crm/v3/properties/{objectType})");
            }
        }
    }

    private static TimeZoneInfo ResolveTimeZone(HubSpotAccountOptions account, string? reported)
    {
        try
        {
            return AccountTimeZone.Resolve(account.TimeZone, reported) ?? TimeZoneInfo.Utc;
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new HubSpotConfigException($"HubSpot {account.Describe()}: {ex.Message}", ex);
        }
    }
}

public static class HubSpotServiceCollectionExtensions
{
    /// <summary>
    /// Registers the HubSpot source and one resilient HTTP client per portal: a bearer private-app token (or OAuth
    /// access tokens refreshed before expiry and after a 401), 429s handled by policy name, 5xx retried with backoff,
    /// and every attempt paced by the portal's request budget (burst per 10 s and search per second).
    /// </summary>
    /// <exception cref="HubSpotConfigException">The options do not validate.</exception>
    public static IServiceCollection AddHubSpotSource(this IServiceCollection services, HubSpotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("HubSpot", message => new HubSpotConfigException(message));

        foreach (var account in options.Accounts)
        {
            var name = HubSpotSource.ClientName(account);
            var budget = new HubSpotRateBudget(account.RequestsPerTenSeconds, account.SearchRequestsPerSecond);
            var http = new SourceHttpOptions
            {
                BaseAddress = options.ResolveBaseUrl(),
                AccountKey = name,
                MaxConcurrentRequests = 4,
                MaxAttempts = options.MaxAttempts,
                BaseDelay = options.RetryBaseDelay,
                TokenPlacement = TokenPlacement.Bearer,
                // Retry-After dates are wall-clock times whatever clock the run uses.
                ThrottleSignal = new HubSpotThrottleSignal(options.RollingWindowWait, options.SecondlyWait, TimeProvider.System),
            };
            Func<IServiceProvider, ITokenProvider> tokens;
            if (account.OAuth is { } oauth)
            {
                var tokenClient = name + ":oauth";
                services.AddHttpClient(tokenClient);
                var settings = new OAuthRefreshSettings(
                    oauth.TokenUrl ?? new Uri("https://api.hubapi.com/oauth/v1/token"), oauth.ClientId!, oauth.ClientSecret!, oauth.RefreshToken!);
                tokens = sp => new OAuthRefreshTokenProvider(
                    sp.GetRequiredService<IHttpClientFactory>().CreateClient(tokenClient), settings, sp.GetService<TimeProvider>());
            }
            else
            {
                var token = account.AccessToken!.Trim();
                tokens = _ => new StaticTokenProvider(token);
            }

            services.AddSourceHttpClient(name, http, tokens)
                .AddHttpMessageHandler(_ => new HubSpotRateBudgetHandler(budget));
        }

        services.TryAddSingleton<ApiCallCounters>();
        services.AddSingleton(options);
        services.AddSingleton<ISource, HubSpotSource>(sp => new HubSpotSource(
            options,
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<ApiCallCounters>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILoggerFactory>()));
        return services;
    }
}

/// <summary>The HubSpot source as one module: section <c>Sources:HubSpot</c>, its streams, schedule, accounts and demo wiring.</summary>
public sealed class HubSpotModule : SourceModule<HubSpotOptions>
{
    public override string Section => "HubSpot";

    public override string Name => "hubspot";

    public override IReadOnlyList<StreamDescriptor> BuiltInStreams { get; } = HubSpotStreams.Default.All;

    /// <summary>Every 30 min: leads and deals are worked on all day.</summary>
    public override string DefaultCron => "0 0/30 * * * ?";

    public override double FreshnessSlaHours => 2;

    protected override IReadOnlyList<ApiVersionInUse> ApiVersions(HubSpotOptions options) => [new("HubSpot CRM API", "v3"), new("HubSpot account-info API", "v3")];

    protected override IReadOnlyList<string> AccountLabels(HubSpotOptions options) =>
        options.Accounts.Select((a, i) => a.PortalId is { Length: > 0 } id ? id : $"account{i + 1}").ToList();

    protected override void Register(IServiceCollection services, HubSpotOptions options) => services.AddHubSpotSource(options);

    public override HubSpotOptions? Demo(DemoSandbox sandbox) => new()
        {
            BaseUrl = sandbox.Url("hubSpotBaseAddress"),
            Accounts = [new HubSpotAccountOptions { AccessToken = sandbox.String("hubSpotAccessToken"), PortalId = sandbox.String("hubSpotPortalId") }],
        };
}
