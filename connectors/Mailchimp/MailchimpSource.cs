using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Auth;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Modules;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Mailchimp;

/// <summary>Mailchimp Marketing API v3: lists, campaigns, reports, daily list activity, members and unsubscribes; one connection per account.</summary>
public sealed class MailchimpSource(
    MailchimpOptions options,
    IHttpClientFactory httpClients,
    ApiCallCounters counters,
    TimeProvider clock,
    ILoggerFactory? loggerFactory = null) : ISource
{
    private readonly ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<MailchimpSource>();

    public string Name => MailchimpStreams.Source;

    public IReadOnlyList<StreamDescriptor> Streams => MailchimpStreams.All;

    /// <summary>The HTTP client of an account: named by datacenter and a fingerprint of the credential (never the credential).</summary>
    public static string ClientName(MailchimpAccountOptions account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return $"mailchimp:{account.ResolveDataCenter() ?? "dc"}:{account.Fingerprint()}";
    }

    /// <summary>
    /// Checks each account's credential with <c>GET /</c>, which also gives the account id and time zone. A rejected
    /// key is a <see cref="MailchimpAuthException"/> with a one-line message; two entries that turn out to be the same
    /// account are a <see cref="MailchimpConfigException"/>.
    /// </summary>
    public async Task<IReadOnlyList<ISourceConnection>> ConnectAsync(CancellationToken cancellationToken = default)
    {
        var connections = new List<ISourceConnection>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var account in options.Accounts)
        {
            var name = ClientName(account);
            var api = new MailchimpApiClient(httpClients.CreateClient(name), account.Describe(), options, clock);
            var root = await api.GetAccountAsync(cancellationToken);
            var dc = account.ResolveDataCenter() ?? "dc";
            var accountId = account.AccountId is { Length: > 0 } configured
                ? configured
                : root.AccountId is { Length: > 0 } id ? $"{dc}:{id}" : dc;
            if (seen.TryGetValue(accountId, out var other))
            {
                throw new MailchimpConfigException(
                    $"Mailchimp {account.Describe()} and {other} are the same account ({accountId}); configure it once, or give each its own AccountId");
            }

            seen[accountId] = account.Describe();
            connections.Add(new MailchimpConnection(accountId, ResolveTimeZone(account, root.AccountTimezone), api, counters.For(name), options, account, clock));
        }

        return connections;
    }

    private static TimeZoneInfo ResolveTimeZone(MailchimpAccountOptions account, string? reported)
    {
        try
        {
            return AccountTimeZone.Resolve(account.TimeZone, reported) ?? TimeZoneInfo.Utc;
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new MailchimpConfigException($"Mailchimp {account.Describe()}: {ex.Message}", ex);
        }
    }
}

public static class MailchimpServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Mailchimp source and one resilient HTTP client per account: HTTP Basic with the API key (or a
    /// bearer OAuth token), the datacenter's base URL (or <see cref="MailchimpOptions.BaseUrl"/>), 429, bare 403 and 5xx
    /// retried with backoff, and at most <see cref="MailchimpAccountOptions.MaxConcurrentRequests"/> connections to the account.
    /// </summary>
    /// <exception cref="MailchimpConfigException">The options do not validate.</exception>
    public static IServiceCollection AddMailchimpSource(this IServiceCollection services, MailchimpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("Mailchimp", message => new MailchimpConfigException(message));

        foreach (var account in options.Accounts)
        {
            var name = MailchimpSource.ClientName(account);
            var limit = account.MaxConcurrentRequests;
            var http = new SourceHttpOptions
            {
                BaseAddress = options.ResolveBaseUrl(account),
                AccountKey = name,
                MaxConcurrentRequests = limit,
                MaxAttempts = options.MaxAttempts,
                BaseDelay = options.RetryBaseDelay,
                // Mailchimp ends a request after 120 s on its side.
                AttemptTimeout = TimeSpan.FromSeconds(130),
                TokenPlacement = account.UsesApiKey ? TokenPlacement.Basic("pipeline") : TokenPlacement.Bearer,
                // A bare 403 is Mailchimp's connection limit, not a refusal; 429 comes without Retry-After.
                ThrottleSignal = MailchimpThrottleSignal.Instance,
            };
            var credential = account.Credential;
            services.AddSourceHttpClient(name, http, _ => new StaticTokenProvider(credential))
                // The SDK's limiter frees its permit when response headers arrive, while Mailchimp counts a connection
                // until the body is sent. Capping the pool's connections keeps the account at the limit including bodies
                // (HTTP/1.1 runs one request per connection at a time).
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
                {
                    AutomaticDecompression = DecompressionMethods.All,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                    MaxConnectionsPerServer = limit,
                });
        }

        services.TryAddSingleton<ApiCallCounters>();
        services.AddSingleton(options);
        services.AddSingleton<ISource, MailchimpSource>(sp => new MailchimpSource(
            options,
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<ApiCallCounters>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILoggerFactory>()));
        return services;
    }
}

/// <summary>The Mailchimp source as one module: section <c>Sources:Mailchimp</c>, its streams, schedule, accounts and demo wiring.</summary>
public sealed class MailchimpModule : SourceModule<MailchimpOptions>
{
    public override string Section => "Mailchimp";

    public override string Name => "mailchimp";

    public override IReadOnlyList<StreamDescriptor> BuiltInStreams { get; } = MailchimpStreams.All;

    /// <summary>Every 6 h: campaign reports settle slowly.</summary>
    public override string DefaultCron => "0 30 0/6 * * ?";

    public override double FreshnessSlaHours => 18;

    protected override IReadOnlyList<ApiVersionInUse> ApiVersions(MailchimpOptions options) => [new("Mailchimp Marketing API", "3.0")];

    protected override IReadOnlyList<string> AccountLabels(MailchimpOptions options) =>
        // The Mailchimp account id comes from the API; the configured one (or the position) names the job.
        options.Accounts.Select((a, i) => a.AccountId is { Length: > 0 } id ? id : $"account{i + 1}").ToList();

    protected override void Register(IServiceCollection services, MailchimpOptions options) => services.AddMailchimpSource(options);

    public override MailchimpOptions? Demo(DemoSandbox sandbox) => new()
        {
            BaseUrl = sandbox.Url("mailchimpBaseAddress"),
            Accounts = [new MailchimpAccountOptions { ApiKey = sandbox.Strings("mailchimpApiKeys")[0] }],
        };
}
