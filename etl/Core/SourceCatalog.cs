using Pipeline.Connectors.Streams;

namespace Pipeline.Etl;

/// <summary>The sources configured in this host and every stream the warehouse must hold.</summary>
public sealed class SourceCatalog(IEnumerable<ISource> sources)
{
    /// <summary>Configured sources, by name.</summary>
    public IReadOnlyList<ISource> Sources { get; } = sources.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Streams of configured sources (as configured: custom reports, chosen action types) plus the built-in streams
    /// of every other connector; a configured stream wins over the built-in one of the same table.
    /// </summary>
    public IReadOnlyList<StreamDescriptor> Streams =>
        Sources.SelectMany(s => s.Streams)
            .Concat(Etl.Sources.BuiltInStreams)
            .DistinctBy(s => s.TableName, StringComparer.Ordinal)
            .ToList();
}
