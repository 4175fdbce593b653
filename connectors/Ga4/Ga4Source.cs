using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Modules;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Ga4;

/// <summary>Google Analytics 4: the built-in reports plus configured custom reports, one connection per property.</summary>
public sealed class Ga4Source(
    Ga4Options options,
    IHttpClientFactory httpClients,
    ApiCallCounters counters,
    TimeProvider clock,
    ILoggerFactory? loggerFactory = null) : ISource
{
    private readonly ILogger logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<Ga4Source>();

    public string Name => Ga4Report.Source;

    public IReadOnlyList<Ga4Report> Reports { get; } = BuildReports(options);

    public IReadOnlyList<StreamDescriptor> Streams => Reports.Select(r => r.Stream).ToList();

    public static string ClientName(string propertyId) => $"ga4:{propertyId}";

    public async Task<IReadOnlyList<ISourceConnection>> ConnectAsync(CancellationToken cancellationToken = default)
    {
        var connections = new List<ISourceConnection>();
        foreach (var property in options.Properties)
        {
            var name = ClientName(property.PropertyId);
            var client = new Ga4DataApiClient(httpClients.CreateClient(name));
            var metadata = await ReadMetadataAsync(client, property.PropertyId, cancellationToken);
            ValidateCustomReports(metadata, property.PropertyId);
            var zone = await ResolveTimeZoneAsync(client, property, cancellationToken);
            var reports = metadata is null ? Reports : ServedReports(metadata, property.PropertyId);
            connections.Add(new Ga4Connection(property, client, counters.For(name), zone, reports, clock, logger, options.ResolveAdminBaseUrl()));
        }

        return connections;
    }

    /// <summary>
    /// The property's metadata. Without custom reports to validate, a property the metadata request fails for (e.g.
    /// 403: no access) still connects: its data requests then fail per window with the same error and are recorded.
    /// </summary>
    private async Task<Ga4Metadata?> ReadMetadataAsync(Ga4DataApiClient client, string propertyId, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetMetadataAsync(propertyId, cancellationToken);
        }
        catch (SourceHttpException ex) when (options.CustomReports.Count == 0 && ex is not SourceThrottledException)
        {
            logger.LogWarning("GA4 property {Property}: metadata unavailable ({Error}); every report is attempted", propertyId, ex.Message);
            return null;
        }
    }

    /// <summary>
    /// The reports this property can serve. "No Google Ads link" is read from the metadata endpoint, which lists the
    /// names a property can be queried with: a property (or a user with the "No Cost Metrics" restriction) that lacks
    /// advertiserAdCost and the other cost names gets google_ads_daily skipped with one warning, instead of every run failing with GA4's
    /// 400 ("Please remove advertiserAdCost to make the request compatible", googleapis/google-cloud-php#5607; cost
    /// restrictions: googleanalytics/google-analytics-mcp#70). Where the names are listed but no account is linked,
    /// runReport answers without rows and the stream simply loads zero rows: either way the sync never fails on it.
    /// </summary>
    private List<Ga4Report> ServedReports(Ga4Metadata metadata, string propertyId)
    {
        var metrics = metadata.Metrics.Select(m => m.ApiName).ToHashSet(StringComparer.Ordinal);
        var dimensions = metadata.Dimensions.Select(d => d.ApiName).ToHashSet(StringComparer.Ordinal);
        var served = new List<Ga4Report>();
        foreach (var report in Reports)
        {
            var missing = report.NeedsGoogleAdsLink
                ? report.Metrics.Select(m => m.ApiName).Where(m => !metrics.Contains(m)).Concat(report.Dimensions.Where(d => !dimensions.Contains(d))).ToList()
                : [];
            if (missing.Count == 0)
            {
                served.Add(report);
                continue;
            }

            logger.LogWarning(
                "GA4 property {Property}: skipping ga4.{Stream}: the property has no Google Ads link (its metadata lacks {Missing}); link Google Ads in GA4 admin to load paid-search cost",
                propertyId, report.Name, string.Join(", ", missing));
        }

        return served;
    }

    /// <summary>Unknown names fail before any data request, naming each one.</summary>
    private void ValidateCustomReports(Ga4Metadata? metadata, string propertyId)
    {
        if (options.CustomReports.Count == 0 || metadata is null)
        {
            return;
        }

        var dimensions = metadata.Dimensions.Select(d => d.ApiName).ToHashSet(StringComparer.Ordinal);
        var metrics = metadata.Metrics.Select(m => m.ApiName).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var report in options.CustomReports)
        {
            problems.AddRange(report.Dimensions.Where(d => !dimensions.Contains(d)).Select(d => $"custom report '{report.Name}': unknown dimension '{d}'"));
            problems.AddRange(report.Metrics.Where(m => !metrics.Contains(m)).Select(m => $"custom report '{report.Name}': unknown metric '{m}'"));
        }

        if (problems.Count > 0)
        {
            throw new Ga4ConfigException($"GA4 property {propertyId}: {string.Join("; ", problems)}");
        }
    }

    /// <summary>The configured zone, else the one GA4 reports for the property (a one-row report).</summary>
    private static async Task<TimeZoneInfo> ResolveTimeZoneAsync(Ga4DataApiClient client, Ga4PropertyOptions property, CancellationToken cancellationToken)
    {
        string? reported = null;
        if (string.IsNullOrWhiteSpace(property.TimeZone))
        {
            var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            try
            {
                var probe = await client.RunReportAsync(
                    property.PropertyId,
                    new RunReportRequest { Dimensions = [new("date")], Metrics = [new("sessions")], DateRanges = [new(today, today)], Limit = 1 },
                    cancellationToken);
                reported = probe.Metadata?.TimeZone;
            }
            catch (SourceThrottledException ex) when (Ga4Throttle.IsDaily(ex.Reason))
            {
                throw new Ga4QuotaExhaustedException(property.PropertyId, ex.Reason, ex);
            }
        }

        try
        {
            return AccountTimeZone.Resolve(property.TimeZone, reported) ?? TimeZoneInfo.Utc;
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new Ga4ConfigException($"GA4 property {property.PropertyId}: {ex.Message}", ex);
        }
    }

    private static List<Ga4Report> BuildReports(Ga4Options options)
    {
        var reports = new List<Ga4Report>(Ga4Report.BuiltIn);
        var known = Ga4Report.BuiltIn.SelectMany(r => r.Metrics).GroupBy(m => m.ApiName).ToDictionary(g => g.Key, g => g.First().Type, StringComparer.Ordinal);
        foreach (var custom in options.CustomReports)
        {
            if (reports.Any(r => r.Name == custom.Name))
            {
                throw new Ga4ConfigException($"GA4 custom report '{custom.Name}' has the name of another report");
            }

            if (custom.Metrics.Count == 0)
            {
                throw new Ga4ConfigException($"GA4 custom report '{custom.Name}' needs at least one metric");
            }

            // Types must be known before any API call (staging tables are created at migrate); integers and
            // money that the built-ins know keep their types, anything else is a double.
            var metrics = custom.Metrics.Select(m => new Ga4Metric(m, known.GetValueOrDefault(m, FieldType.Double), Ga4Report.IsNonAdditive(m))).ToList();
            try
            {
                reports.Add(new Ga4Report(custom.Name, custom.Dimensions.Where(d => d != "date").ToList(), metrics));
            }
            catch (ArgumentException ex)
            {
                throw new Ga4ConfigException($"GA4 custom report '{custom.Name}': {ex.Message}", ex);
            }
        }

        return reports;
    }
}

public static class Ga4ServiceCollectionExtensions
{
    /// <summary>Registers the GA4 source and one resilient HTTP client per configured property.</summary>
    public static IServiceCollection AddGa4Source(this IServiceCollection services, Ga4Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid("Ga4", message => new Ga4ConfigException(message));
        foreach (var property in options.Properties)
        {
            var http = new SourceHttpOptions
            {
                BaseAddress = options.BaseUrl,
                AccountKey = Ga4Source.ClientName(property.PropertyId),
                // GA4 allows 10 concurrent requests per property (standard); stay well under.
                MaxConcurrentRequests = 4,
                ThrottleSignal = new Ga4Throttle(options.QuotaRetryWait),
            };
            services.AddSourceHttpClient(Ga4Source.ClientName(property.PropertyId), http, sp =>
                Ga4TokenProvider.Create(property, options.TokenUrl, sp.GetService<TimeProvider>()));
        }

        services.TryAddSingleton<ApiCallCounters>();
        services.AddSingleton(options);
        services.AddSingleton<ISource, Ga4Source>(sp => new Ga4Source(
            options,
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<ApiCallCounters>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILoggerFactory>()));
        return services;
    }
}

/// <summary>The Ga4 source as one module: section <c>Sources:Ga4</c>, its streams, schedule, accounts and demo wiring.</summary>
public sealed class Ga4Module : SourceModule<Ga4Options>
{
    public override string Section => "Ga4";

    public override string Name => "ga4";

    public override IReadOnlyList<StreamDescriptor> BuiltInStreams { get; } = [.. Ga4Report.BuiltIn.Select(r => r.Stream)];

    /// <summary>Hourly: today's numbers fill in during the day; the lookback restates.</summary>
    public override string DefaultCron => "0 10 * * * ?";

    public override double FreshnessSlaHours => 6;

    protected override IReadOnlyList<ApiVersionInUse> ApiVersions(Ga4Options options) => [new("GA4 Data API", "v1beta"), new("GA4 Admin API", "v1beta")];

    protected override IReadOnlyList<string> AccountLabels(Ga4Options options) =>
        options.Properties.Select(p => p.PropertyId).ToList();

    protected override void Register(IServiceCollection services, Ga4Options options) => services.AddGa4Source(options);

    public override Ga4Options? Demo(DemoSandbox sandbox) => new()
        {
            BaseUrl = sandbox.Url("ga4BaseAddress"),
            TokenUrl = sandbox.Url("googleTokenUri"),
            Properties =
            [
                new Ga4PropertyOptions
                {
                    PropertyId = sandbox.String("ga4PropertyId"),
                    ServiceAccountKeyJson = sandbox.String("googleServiceAccountKeyJson"),
                    FirstRunDays = sandbox.FirstRunDays,
                },
            ],
        };
}
