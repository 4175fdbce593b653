using Pipeline.Connectors;
using Pipeline.Connectors.Streams;

namespace Pipeline.Etl;

/// <summary>Checks a stream named on the command line (<c>--stream</c>) against the streams there are.</summary>
public static class StreamNames
{
    /// <summary>
    /// Null when <paramref name="stream"/> is a stream of <paramref name="source"/> (of any source when null), else a
    /// one-line error naming the closest stream and its source, e.g.
    /// <c>unknown stream 'traffic' for source ga4; did you mean 'traffic_daily'?</c>
    /// </summary>
    public static string? Problem(IEnumerable<StreamDescriptor> streams, string? source, string stream)
    {
        ArgumentNullException.ThrowIfNull(streams);
        ArgumentNullException.ThrowIfNull(stream);
        var candidates = streams.Where(s => source is null || s.Source == source).ToList();
        if (candidates.Any(s => s.Name == stream))
        {
            return null;
        }

        if (DidYouMean.Closest(stream, candidates.Select(s => s.Name), take: 1) is [var closest])
        {
            var match = candidates.First(s => s.Name == closest);
            return $"unknown stream '{stream}' for source {match.Source}; did you mean '{match.Name}'?";
        }

        var known = string.Join(", ", candidates.Select(s => s.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return source is null
            ? $"no configured source has a stream '{stream}' (streams: {(known.Length == 0 ? "none" : known)})"
            : $"unknown stream '{stream}' for source {source} (its streams: {(known.Length == 0 ? "none" : known)})";
    }
}
