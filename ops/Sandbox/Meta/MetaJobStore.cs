using System.Collections.Concurrent;
using System.Globalization;

namespace Pipeline.Sandbox.Meta;

/// <summary>An async insights report run. Its data is a snapshot of the read generation at submission.</summary>
internal sealed class MetaJob(string id, string accountId, MetaInsightsQuery query, int generation, DateTimeOffset createdAt)
{
    private int polls;

    public string Id => id;
    public string AccountId => accountId;
    public MetaInsightsQuery Query => query;
    public int Generation => generation;
    public DateTimeOffset CreatedAt => createdAt;

    /// <summary>Status advances per poll, not per wall-clock time, so tests are fast and deterministic.</summary>
    public (string Status, int Percent) Poll() => Interlocked.Increment(ref polls) switch
    {
        1 => ("Job Not Started", 0),
        2 => ("Job Running", 45),
        _ => ("Job Completed", 100),
    };

    public bool IsCompleted => Volatile.Read(ref polls) >= 3;
}

internal sealed class MetaJobStore
{
    private readonly ConcurrentDictionary<string, MetaJob> jobs = new(StringComparer.Ordinal);
    private long next = 6_000_000_000_000L;

    public MetaJob Create(string accountId, MetaInsightsQuery query, int generation)
    {
        var id = Interlocked.Increment(ref next).ToString(CultureInfo.InvariantCulture);
        var job = new MetaJob(id, accountId, query, generation, DateTimeOffset.UtcNow);
        jobs[id] = job;
        return job;
    }

    public MetaJob? Find(string id) => jobs.GetValueOrDefault(id);
}
