using System.Runtime.CompilerServices;
using Pipeline.Connectors.Streams;
using Pipeline.Etl.Sync;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Tests;

public sealed class SingleWriterWarehouseTests
{
    // Guards a broken turn order from hanging the run; no assertion depends on it.
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_waiting_window_reads_its_source_while_another_commits_and_loads_never_overlap()
    {
        var loader = new HoldingLoader();
        await using var writes = new SingleWriterWarehouse(new LoaderOnlyWarehouse(loader));
        var bReading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var a = writes.Loader.LoadWindowAsync(FakeSource.Items, new LoadWindow("a", "r1"), Pages(2, null));
        await loader.Holding.Task.WaitAsync(Hang);
        var b = writes.Loader.LoadWindowAsync(FakeSource.Items, new LoadWindow("b", "r1"), Pages(3, bReading));

        // b's source is asked for its first page while a still holds the writer.
        await bReading.Task.WaitAsync(Hang);
        Assert.That(loader.Started, Is.EqualTo(new[] { "a" }), "b has not started loading");
        loader.Release.SetResult();
        var results = await Task.WhenAll(a, b).WaitAsync(Hang);

        Assert.That(results.Select(r => r.RowsRead), Is.EqualTo(new long[] { 2, 3 }));
        Assert.That((loader.Started, loader.MostAtOnce), Is.EqualTo((new List<string> { "a", "b" }, 1)));
        Assert.That(writes.WriterBusy, Is.GreaterThan(TimeSpan.Zero), "the turns' time is counted");
    }

    [Test]
    public async Task A_source_that_fails_before_its_turn_fails_its_own_load_only()
    {
        var loader = new HoldingLoader { HoldFirst = false };
        await using var writes = new SingleWriterWarehouse(new LoaderOnlyWarehouse(loader));

        var failed = writes.Loader.LoadWindowAsync(FakeSource.Items, new LoadWindow("a", "r1"), Failing());
        var next = await writes.Loader.LoadWindowAsync(FakeSource.Items, new LoadWindow("b", "r1"), Pages(1, null));

        Assert.ThrowsAsync<IOException>(() => failed);
        Assert.That(next.RowsRead, Is.EqualTo(1), "the writer was handed on");
    }

    private static async IAsyncEnumerable<RecordBatch> Pages(int count, TaskCompletionSource? reading, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        reading?.TrySetResult();
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return new RecordBatch([[i.ToString(System.Globalization.CultureInfo.InvariantCulture), DateTime.UnixEpoch]]);
        }
    }

    private static async IAsyncEnumerable<RecordBatch> Failing()
    {
        await Task.Yield();
        throw new IOException("connection reset");
#pragma warning disable CS0162 // an iterator needs a yield to be one
        yield break;
#pragma warning restore CS0162
    }

    /// <summary>Counts loads in progress; the first one reads its pages, then holds the writer until released.</summary>
    private sealed class HoldingLoader : IStagingLoader
    {
        private int inFlight;

        public bool HoldFirst { get; init; } = true;

        public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Started { get; } = [];

        public int MostAtOnce { get; private set; }

        public async Task<WindowLoadResult> LoadWindowAsync(StreamDescriptor stream, LoadWindow window, IAsyncEnumerable<RecordBatch> batches, CancellationToken cancellationToken = default)
        {
            MostAtOnce = Math.Max(MostAtOnce, Interlocked.Increment(ref inFlight));
            Started.Add(window.AccountId);
            try
            {
                long rows = 0;
                await foreach (var batch in batches.WithCancellation(cancellationToken))
                {
                    rows += batch.Rows.Count;
                }

                if (HoldFirst && Started.Count == 1)
                {
                    Holding.SetResult();
                    await Release.Task;
                }

                return new WindowLoadResult(rows, rows, 0, null);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }
    }

    /// <summary>A warehouse that only loads: everything else is not part of these tests.</summary>
    private sealed class LoaderOnlyWarehouse(IStagingLoader loader) : IWarehouseEngine
    {
        public string Name => "loader-only";

        public string Location => "memory";

        public IStagingLoader Loader => loader;

        public IRunLog RunLog => throw new NotSupportedException();

        public IWarehouseReader Reader => throw new NotSupportedException();

        public IAlertState AlertState => throw new NotSupportedException();

        public BiAccess Bi => throw new NotSupportedException();

        public Task<MigrationReport> MigrateAsync(IReadOnlyCollection<StreamDescriptor> streams, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<WarehouseStatus> ReadStatusAsync(int recentRuns = 20, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IntegrityReport> CheckAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<string?> ReadFailedCheckAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<BackupResult> BackupAsync(string folder, int keep, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
