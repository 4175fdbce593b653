using System.Collections.Concurrent;

namespace Pipeline.Sandbox.Hosting;

/// <summary>Counts in-flight requests per key; platforms cap simultaneous requests (Mailchimp per key, GA4 per property).</summary>
internal sealed class ConcurrencyGate(int maxConcurrent)
{
    private readonly ConcurrentDictionary<string, int[]> inFlight = new(StringComparer.Ordinal);

    /// <summary>Admits the request if the key has a free slot; <paramref name="admitted"/> hears the in-flight count it made.</summary>
    public bool TryEnter(string key, Action<int>? admitted = null)
    {
        var counter = inFlight.GetOrAdd(key, _ => new int[1]);
        var now = Interlocked.Increment(ref counter[0]);
        if (now <= maxConcurrent)
        {
            admitted?.Invoke(now);
            return true;
        }

        Interlocked.Decrement(ref counter[0]);
        return false;
    }

    public void Exit(string key) => Interlocked.Decrement(ref inFlight[key][0]);
}
