using Pipeline.Connectors.Streams;
using Pipeline.Warehouse;

namespace Pipeline.Etl.Sync;

/// <summary>
/// The warehouse as accounts syncing at once see it: their writes (window loads, run-log rows, alert state) take
/// turns, one at a time, as DuckDB's single writer needs (and SQL Server's window replace on a shared staging table
/// is spared lock waits and deadlocks); reads are not held up. A window waiting for its turn already has its source
/// reading: the first page, and the pages the sync's read-ahead holds, arrive while another window commits, so
/// accounts overlap their API waits and only the writes queue. The loader itself is unchanged.
/// </summary>
public sealed class SingleWriterWarehouse(IWarehouseEngine inner) : IWarehouseEngine
{
    private readonly Writer writer = new();

    public string Name => inner.Name;

    public string Location => inner.Location;

    /// <summary>How long writes held the writer in all: near the run's wall time, the writes are what accounts wait for.</summary>
    public TimeSpan WriterBusy => TimeSpan.FromTicks(Interlocked.Read(ref writer.BusyTicks));

    public IStagingLoader Loader => field ??= new TurnTakingLoader(inner.Loader, writer);

    public IRunLog RunLog => field ??= new TurnTakingRunLog(inner.RunLog, writer);

    public IWarehouseReader Reader => inner.Reader;

    public IAlertState AlertState => field ??= new TurnTakingAlertState(inner.AlertState, writer);

    public BiAccess Bi => inner.Bi;

    public string? ReadingPublishedCopy => inner.ReadingPublishedCopy;

    /// <summary>A refresh writes the mart tables: it takes its turn like a window load.</summary>
    public Warehouse.Marts.IMartRefresher? Marts => inner.Marts is { } marts ? field ??= new TurnTakingMarts(marts, writer) : null;

    public Task<MigrationReport> MigrateAsync(IReadOnlyCollection<StreamDescriptor> streams, CancellationToken cancellationToken = default) =>
        Turn(writer, () => inner.MigrateAsync(streams, cancellationToken), cancellationToken);

    public Task<WarehouseStatus> ReadStatusAsync(int recentRuns = 20, CancellationToken cancellationToken = default) => inner.ReadStatusAsync(recentRuns, cancellationToken);

    public Task<IntegrityReport> CheckAsync(CancellationToken cancellationToken = default) => inner.CheckAsync(cancellationToken);

    public Task<string?> ReadFailedCheckAsync(CancellationToken cancellationToken = default) => inner.ReadFailedCheckAsync(cancellationToken);

    public Task<BackupResult> BackupAsync(string folder, int keep, CancellationToken cancellationToken = default) =>
        Turn(writer, () => inner.BackupAsync(folder, keep, cancellationToken), cancellationToken);

    /// <summary>The caller owns the warehouse it wrapped and disposes it.</summary>
    public ValueTask DisposeAsync()
    {
        writer.Turns.Dispose();
        return ValueTask.CompletedTask;
    }

    private static async Task<T> Turn<T>(Writer writer, Func<Task<T>> write, CancellationToken cancellationToken)
    {
        await writer.Turns.WaitAsync(cancellationToken);
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            return await write();
        }
        finally
        {
            Interlocked.Add(ref writer.BusyTicks, TimeProvider.System.GetElapsedTime(started).Ticks);
            writer.Turns.Release();
        }
    }

    private static Task Turn(Writer writer, Func<Task> write, CancellationToken cancellationToken) =>
        Turn(writer, async () =>
        {
            await write();
            return true;
        }, cancellationToken);

    private sealed class TurnTakingLoader(IStagingLoader inner, Writer writer) : IStagingLoader
    {
        public async Task<WindowLoadResult> LoadWindowAsync(StreamDescriptor stream, LoadWindow window, IAsyncEnumerable<RecordBatch> batches, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(batches);
            var pending = batches.GetAsyncEnumerator(cancellationToken);
            // Asking for the first page starts the source reading now, while this window waits for its turn.
            var first = pending.MoveNextAsync().AsTask();
            try
            {
                return await Turn(writer, () => inner.LoadWindowAsync(stream, window, Resume(first, pending), cancellationToken), cancellationToken);
            }
            finally
            {
                // An enumerator cannot be disposed while a read is pending: let the first read end (its error, if
                // any, is the load's to report, or moot when the turn never came).
                await first.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                await pending.DisposeAsync();
            }
        }

        private static async IAsyncEnumerable<RecordBatch> Resume(Task<bool> first, IAsyncEnumerator<RecordBatch> pending)
        {
            if (!await first)
            {
                yield break;
            }

            yield return pending.Current;
            while (await pending.MoveNextAsync())
            {
                yield return pending.Current;
            }
        }
    }

    private sealed class TurnTakingRunLog(IRunLog inner, Writer writer) : IRunLog
    {
        public Task RunStartedAsync(SyncRunRecord run, CancellationToken cancellationToken = default) =>
            Turn(writer, () => inner.RunStartedAsync(run, cancellationToken), cancellationToken);

        public Task RunFinishedAsync(SyncRunRecord run, CancellationToken cancellationToken = default) =>
            Turn(writer, () => inner.RunFinishedAsync(run, cancellationToken), cancellationToken);

        public Task<string?> GetCursorAsync(string source, string stream, string accountId, CancellationToken cancellationToken = default) =>
            inner.GetCursorAsync(source, stream, accountId, cancellationToken);

        public Task<DateOnly?> GetLoadedFromAsync(string source, string stream, string accountId, CancellationToken cancellationToken = default) =>
            inner.GetLoadedFromAsync(source, stream, accountId, cancellationToken);

        public Task<IReadOnlyList<ResetStreamState>> ResetStateAsync(string source, string? stream, string? accountId, CancellationToken cancellationToken = default) =>
            Turn(writer, () => inner.ResetStateAsync(source, stream, accountId, cancellationToken), cancellationToken);
    }

    private sealed class TurnTakingMarts(Warehouse.Marts.IMartRefresher inner, Writer writer) : Warehouse.Marts.IMartRefresher
    {
        public Task<Warehouse.Marts.MartRefreshResult> RefreshAsync(CancellationToken cancellationToken = default) =>
            Turn(writer, () => inner.RefreshAsync(cancellationToken), cancellationToken);

        public Task<Warehouse.Marts.MartRefreshResult> RebuildAsync(CancellationToken cancellationToken = default) =>
            Turn(writer, () => inner.RebuildAsync(cancellationToken), cancellationToken);
    }

    private sealed class TurnTakingAlertState(IAlertState inner, Writer writer) : IAlertState
    {
        public Task<string?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public Task SetAsync(string key, string? value, CancellationToken cancellationToken = default) =>
            Turn(writer, () => inner.SetAsync(key, value, cancellationToken), cancellationToken);
    }

    /// <summary>One write at a time, and how long writes took in all.</summary>
    private sealed class Writer
    {
        public readonly SemaphoreSlim Turns = new(1, 1);
        public long BusyTicks;
    }
}
