using Microsoft.Extensions.DependencyInjection;
using Pipeline.Connectors.Files;
using Pipeline.Connectors.Ga4;
using Pipeline.Connectors.HubSpot;
using Pipeline.Connectors.Mailchimp;
using Pipeline.Connectors.Meta;
using Pipeline.Connectors.Modules;
using Pipeline.Connectors.Pipedrive;
using Pipeline.Connectors.Streams;
using Pipeline.Etl.Configuration;

namespace Pipeline.Etl;

/// <summary>The composition root of connectors: the one list of source modules this build knows.</summary>
public static class Sources
{
    /// <summary>
    /// Every source module, in the order their sections are documented. Adding a source is its folder under
    /// <c>connectors/</c> (picked up by <c>Pipeline.Etl.csproj</c>'s wildcard reference) and one line here.
    /// </summary>
    public static IReadOnlyList<ISourceModule> Modules { get; } =
    [
        new Ga4Module(),
        new MetaModule(),
        new MailchimpModule(),
        new HubSpotModule(),
        new FilesModule(),
        new PipedriveModule(),
    ];

    /// <summary>All sources this build knows, by their source name (<c>ga4</c>, <c>hubspot</c>, …).</summary>
    public static IReadOnlyList<string> Known { get; } = [.. Modules.Select(m => m.Name)];

    /// <summary>The module of a source or configuration section name (either, any case); null if none.</summary>
    public static ISourceModule? Find(string nameOrSection) =>
        Modules.FirstOrDefault(m => string.Equals(m.Section, nameOrSection, StringComparison.OrdinalIgnoreCase)
            || string.Equals(m.Name, nameOrSection, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Streams every warehouse holds, configured or not: the star schema's views read their staging tables, so
    /// they exist (empty) until a source is set up.
    /// </summary>
    public static IReadOnlyList<StreamDescriptor> BuiltInStreams { get; } = [.. Modules.SelectMany(m => m.BuiltInStreams)];

    public static IServiceCollection AddConfiguredSources(this IServiceCollection services, SourcesOptions sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        foreach (var (module, options) in sources.Configured)
        {
            module.Register(services, options);
        }

        return services;
    }
}
