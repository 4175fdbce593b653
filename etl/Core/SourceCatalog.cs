using Pipeline.Connectors.Streams;

namespace Pipeline.Etl;

/// <summary>The sources registered with the host and, through them, every stream the warehouse must hold.</summary>
public sealed class SourceCatalog(IEnumerable<ISource> sources)
{
    public IReadOnlyList<ISource> Sources { get; } = sources.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

    public IReadOnlyList<StreamDescriptor> Streams => Sources.SelectMany(s => s.Streams).ToList();
}
