namespace Pipeline.Benchmarks;

/// <summary>
/// What the managed heap cost a process so far: bytes allocated, time the GC paused it, gen2 collections. The
/// difference of two readings is a sync's share, printed beside its CPU so a change in allocation shows as such.
/// </summary>
internal readonly record struct ManagedWork(double AllocatedMb, double PauseSeconds, int Gen2Collections)
{
    public static ManagedWork Now() =>
        new(GC.GetTotalAllocatedBytes() / (1024.0 * 1024.0), GC.GetTotalPauseDuration().TotalSeconds, GC.CollectionCount(2));

    public static ManagedWork operator -(ManagedWork after, ManagedWork before) =>
        new(after.AllocatedMb - before.AllocatedMb, after.PauseSeconds - before.PauseSeconds, after.Gen2Collections - before.Gen2Collections);
}
