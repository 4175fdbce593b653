using System.Collections.Concurrent;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Faults;

/// <summary>Decides per request whether to inject a fault. Options can be swapped while the server runs.</summary>
public sealed class FaultController
{
    private readonly ConcurrentDictionary<SandboxApi, ConcurrentQueue<FaultKind>> forced = new();
    private readonly long[] ordinals = new long[Enum.GetValues<SandboxApi>().Length];
    private readonly long[,] injected = new long[Enum.GetValues<SandboxApi>().Length, Enum.GetValues<FaultKind>().Length];
    private FaultOptions options;

    internal FaultController(FaultOptions options) => this.options = options;

    public FaultOptions Options
    {
        get => Volatile.Read(ref options);
        set => Volatile.Write(ref options, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>The next <paramref name="count"/> requests to <paramref name="api"/> fail with <paramref name="kind"/>, before any random fault.</summary>
    public void ForceNext(SandboxApi api, FaultKind kind, int count = 1)
    {
        var queue = forced.GetOrAdd(api, _ => new ConcurrentQueue<FaultKind>());
        for (var i = 0; i < count; i++)
        {
            queue.Enqueue(kind);
        }
    }

    public void ClearForced() => forced.Clear();

    /// <summary>Faults injected so far (forced and random) into requests to <paramref name="api"/>, of one kind or (null) all kinds.</summary>
    public long Injected(SandboxApi api, FaultKind? kind = null)
    {
        if (kind is { } one)
        {
            return Interlocked.Read(ref injected[(int)api, (int)one]);
        }

        long total = 0;
        foreach (var k in Enum.GetValues<FaultKind>().Where(k => k != FaultKind.None))
        {
            total += Interlocked.Read(ref injected[(int)api, (int)k]);
        }

        return total;
    }

    internal FaultKind Next(SandboxApi api)
    {
        var kind = Decide(api);
        if (kind != FaultKind.None)
        {
            Interlocked.Increment(ref injected[(int)api, (int)kind]);
        }

        return kind;
    }

    private FaultKind Decide(SandboxApi api)
    {
        if (forced.TryGetValue(api, out var queue) && queue.TryDequeue(out var kind))
        {
            return kind;
        }

        var current = Options;
        var applies = current.Apis?.Contains(api) ?? api != SandboxApi.GoogleOAuth;
        if (!applies)
        {
            return FaultKind.None;
        }

        var ordinal = Interlocked.Increment(ref ordinals[(int)api]);
        var u = Det.Unit(current.Seed, Salt.Fault, (long)api, ordinal);
        foreach (var (candidate, rate) in current.Rates())
        {
            if (u < rate)
            {
                return candidate;
            }

            u -= rate;
        }

        return FaultKind.None;
    }
}
