using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Files;
using Pipeline.Connectors.Ga4;
using Pipeline.Connectors.HubSpot;
using Pipeline.Connectors.Mailchimp;
using Pipeline.Connectors.Meta;
using Pipeline.Etl.Configuration;

namespace Pipeline.Etl;

/// <summary>The composition root of connectors: every configured source section registers its source here.</summary>
public static class Sources
{
    /// <summary>All sources this build knows, by their configuration section name.</summary>
    public static IReadOnlyList<string> Known { get; } = typeof(SourcesOptions).GetProperties().Select(p => p.Name).ToList();

    /// <summary>
    /// Streams every warehouse holds, configured or not: the star schema's views read their staging tables, so
    /// they exist (empty) until a source is set up.
    /// </summary>
    public static IReadOnlyList<Connectors.Streams.StreamDescriptor> BuiltInStreams { get; } =
        [.. Ga4Report.BuiltIn.Select(r => r.Stream), .. MetaSource.DefaultStreams, .. MailchimpStreams.All, .. HubSpotStreams.Default.All, .. FilesStreams.All];

    public static IServiceCollection AddConfiguredSources(this IServiceCollection services, SourcesOptions sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Ga4 is { } ga4)
        {
            services.AddGa4Source(ga4);
        }

        if (sources.Meta is { } meta)
        {
            services.AddMetaSource(meta);
        }

        if (sources.Mailchimp is { } mailchimp)
        {
            services.AddMailchimpSource(mailchimp);
        }

        if (sources.HubSpot is { } hubspot)
        {
            services.AddHubSpotSource(hubspot);
        }

        if (sources.Files is { } files)
        {
            services.AddFilesSource(files);
        }

        return services;
    }
}
