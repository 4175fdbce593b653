using System.Collections.Concurrent;

namespace Pipeline.Sandbox.Hosting;

/// <summary>Counts in-flight requests per key; platforms cap simultaneous requests (Mailchimp per key, GA4 per property).</summary>
internal sealed class ConcurrencyGate(int maxConcurrent)
{
    private readonly ConcurrentDictionary<string, int[]> inFlight = new(StringComparer.Ordinal);

    public bool TryEnter(string key)
    {
        var counter = inFlight.GetOrAdd(key, _ => new int[1]);
        if (Interlocked.Increment(ref counter[0]) <= maxConcurrent)
        {
            return true;
        }

        Interlocked.Decrement(ref counter[0]);
        return false;
    }

    public void Exit(string key) => Interlocked.Decrement(ref inFlight[key][0]);
}
