using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Auth;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Modules;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Meta;

/// <summary>Meta Ads (Marketing API): the ad account, its campaign tree and daily insights, one connection per ad account.</summary>
public sealed class MetaSource(
    MetaOptions options,
    IHttpClientFactory httpClients,
    ApiCallCounters counters,
    MetaUsageTrackers usage,
    TimeProvider clock,
    ILoggerFactory? loggerFactory = null) : ISource
{
    private readonly ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<MetaSource>();

    public string Name => MetaStreams.Source;

    public IReadOnlyList<MetaInsightsReport> InsightsReports { get; } = MetaStreams.InsightsReports(options);

    public IReadOnlyList<StreamDescriptor> Streams => [.. MetaStreams.EntityStreams, .. InsightsReports.Select(r => r.Stream)];

    /// <summary>The streams of a default configuration (for warehouses that create every built-in table up front).</summary>
    public static IReadOnlyList<StreamDescriptor> DefaultStreams { get; } = MetaStreams.All(new MetaOptions());

    public static string ClientName(string accountId) => $"meta:{MetaOptions.NormalizeAccountId(accountId)}";

    /// <summary>
    /// Reads each ad account node (name, currency, timezone_name) before any data: a bad token fails here with
    /// <see cref="MetaAuthException"/>, and the account's time zone becomes the connection's.
    /// </summary>
    public async Task<IReadOnlyList<ISourceConnection>> ConnectAsync(CancellationToken cancellationToken = default)
    {
        var connections = new List<ISourceConnection>();
        foreach (var accountId in options.AccountIds)
        {
            var name = ClientName(accountId);
            var client = new MetaGraphClient(httpClients.CreateClient(name), options.ApiVersion);
            MetaAdAccountNode account;
            try
            {
                account = await client.GetAdAccountAsync(accountId, cancellationToken);
            }
            catch (SourceThrottledException ex)
            {
                throw new MetaThrottledException(accountId, ex.Reason, ex);
            }

            var zone = ResolveTimeZone(accountId, account.TimezoneName);
            connections.Add(new MetaConnection(accountId, account, zone, client, counters.For(name), usage.For(name), options, InsightsReports, clock, logger));
        }

        return connections;
    }

    private static TimeZoneInfo ResolveTimeZone(string accountId, string? id)
    {
        try
        {
            return AccountTimeZone.Resolve(null, id)
                ?? throw new MetaConfigException($"Meta ad account {accountId}: the account node has no timezone_name; report days cannot be placed");
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new MetaConfigException($"Meta ad account {accountId}: {ex.Message}", ex);
        }
    }
}

public static class MetaServiceCollectionExtensions
{
    /// <summary>Registers the Meta source and one resilient HTTP client per configured ad account.</summary>
    public static IServiceCollection AddMetaSource(this IServiceCollection services, MetaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("Meta", message => new MetaConfigException(message));
        services.TryAddSingleton<MetaUsageTrackers>();
        foreach (var accountId in options.AccountIds)
        {
            var name = MetaSource.ClientName(accountId);
            var http = new SourceHttpOptions
            {
                BaseAddress = options.BaseUrl,
                AccountKey = name,
                // Meta meters per ad account and punishes bursts; a connection reads one page at a time anyway.
                MaxConcurrentRequests = 2,
                ThrottleSignal = new MetaThrottleSignal(),
                TokenPlacement = TokenPlacement.Query("access_token"),
                MaxRetryAfter = options.MaxThrottleWait,
                BaseDelay = options.RetryBaseDelay,
                // Async report runs answer the submit quickly; a slow sync insights page still gets time.
                AttemptTimeout = TimeSpan.FromSeconds(120),
            };
            services.AddSourceHttpClient(name, http, _ => new StaticTokenProvider(options.AccessToken))
                .AddHttpMessageHandler(sp => new MetaResponseHandler(sp.GetRequiredService<MetaUsageTrackers>().For(name)));
        }

        services.TryAddSingleton<ApiCallCounters>();
        services.AddSingleton(options);
        services.AddSingleton<ISource, MetaSource>(sp => new MetaSource(
            options,
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<ApiCallCounters>(),
            sp.GetRequiredService<MetaUsageTrackers>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILoggerFactory>()));
        return services;
    }
}

/// <summary>The Meta source as one module: section <c>Sources:Meta</c>, its streams, schedule, accounts and demo wiring.</summary>
public sealed class MetaModule : SourceModule<MetaOptions>
{
    public override string Section => "Meta";

    public override string Name => "meta";

    public override IReadOnlyList<StreamDescriptor> BuiltInStreams { get; } = MetaSource.DefaultStreams;

    /// <summary>Hourly.</summary>
    public override string DefaultCron => "0 20 * * * ?";

    public override double FreshnessSlaHours => 6;

    protected override IReadOnlyList<ApiVersionInUse> ApiVersions(MetaOptions options) => [new("Meta Marketing API", options.ApiVersion)];

    protected override IReadOnlyList<string> AccountLabels(MetaOptions options) =>
        options.AccountIds;

    protected override void Register(IServiceCollection services, MetaOptions options) => services.AddMetaSource(options);

    public override MetaOptions? Demo(DemoSandbox sandbox) => new()
        {
            BaseUrl = sandbox.Url("metaBaseAddress"),
            AccessToken = sandbox.String("metaAccessToken"),
            AdAccountIds = [.. sandbox.Strings("metaAdAccountIds")],
            FirstRunDays = sandbox.FirstRunDays,
            // The sandbox finishes a report job in three polls; real jobs take seconds to minutes.
            AsyncPollInterval = TimeSpan.FromMilliseconds(50),
        };
}
