using Pipeline.Sandbox;
using Pipeline.Sandbox.Faults;

namespace Pipeline.Reliability.Tests.Infrastructure;

/// <summary>Forces faults once an API has served some requests of a run (after connecting, inside the streams).</summary>
internal static class MidRunFaults
{
    /// <summary>
    /// For each API: once it has served <paramref name="after"/> more requests than when this started, its next
    /// <paramref name="count"/> requests fail with <paramref name="kind"/>. Completes when all were forced or on
    /// cancellation; returns the APIs that were never reached.
    /// </summary>
    public static async Task<IReadOnlyList<SandboxApi>> ForceAsync(
        SandboxServer sandbox, IEnumerable<SandboxApi> apis, FaultKind kind, int after, int count, CancellationToken cancellationToken)
    {
        var pending = apis.ToDictionary(a => a, a => sandbox.RequestCount(a) + after);
        try
        {
            while (pending.Count > 0)
            {
                foreach (var (api, at) in pending.Where(p => sandbox.RequestCount(p.Key) >= p.Value).ToList())
                {
                    sandbox.Faults.ForceNext(api, kind, count);
                    pending.Remove(api);
                }

                await Task.Delay(5, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // the run ended first
        }

        return [.. pending.Keys];
    }
}
