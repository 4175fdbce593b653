using Pipeline.Connectors.Streams;

namespace Pipeline.Etl;

/// <summary>The sources configured in this host and every stream the warehouse must hold.</summary>
public sealed class SourceCatalog(IEnumerable<ISource> sources)
{
    /// <summary>Configured sources, by name.</summary>
    public IReadOnlyList<ISource> Sources { get; } = sources.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

    /// <summary>Built-in streams of every connector plus the custom streams of configured sources.</summary>
    public IReadOnlyList<StreamDescriptor> Streams =>
        Etl.Sources.BuiltInStreams
            .Concat(Sources.SelectMany(s => s.Streams))
            .DistinctBy(s => s.TableName, StringComparer.Ordinal)
            .ToList();
}
