using System.Collections.Concurrent;

namespace Pipeline.Connectors.Http;

/// <summary>Every <see cref="ApiCallCounter"/> of the process by HTTP client name, for the run log to report.</summary>
public sealed class ApiCallCounters
{
    private readonly ConcurrentDictionary<string, ApiCallCounter> _counters = new(StringComparer.Ordinal);

    public ApiCallCounter For(string clientName) => _counters.GetOrAdd(clientName, static _ => new ApiCallCounter());

    public IReadOnlyDictionary<string, ApiCallStats> Snapshot() =>
        _counters.ToDictionary(p => p.Key, p => p.Value.Snapshot(), StringComparer.Ordinal);
}
