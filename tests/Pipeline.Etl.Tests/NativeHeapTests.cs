namespace Pipeline.Etl.Tests;

[NonParallelizable] // the trim timer is one per process
public sealed class NativeHeapTests
{
    [Test]
    public void The_heap_is_trimmed_while_any_sync_runs_and_no_longer_after_the_last()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("glibc's malloc_trim exists on Linux only; elsewhere nothing is trimmed");
        }

        NativeHeap.LimitArenas();
        Assert.That(NativeHeap.IsTrimming, Is.False);
        var first = NativeHeap.TrimWhileSyncing();
        var second = NativeHeap.TrimWhileSyncing();
        Assert.That(NativeHeap.IsTrimming, Is.True);

        first.Dispose();
        first.Dispose(); // twice counts once
        Assert.That(NativeHeap.IsTrimming, Is.True, "another sync still runs");

        second.Dispose();
        Assert.That(NativeHeap.IsTrimming, Is.False);
    }
}
