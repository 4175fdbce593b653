using System.Runtime.CompilerServices;
using Pipeline.Connectors.Streams;

namespace Pipeline.Scheduling.Tests.Support;

/// <summary>
/// An in-memory source with one report stream, one window per day, whose pages can be held back: tests decide
/// when a window is "loading" and when it may finish, and the source counts how many reads run at once.
/// </summary>
internal sealed class SlowSource : ISource, ISourceConnection
{
    public const string Name_ = "slow";

    public static readonly StreamDescriptor Daily = new(
        Name_, "daily", StreamKind.Report,
        [new FieldDef("date", FieldType.Date, false), new FieldDef("n", FieldType.Int64, false), new FieldDef("value", FieldType.Int64)],
        ["date", "n"], "date", defaultLookbackDays: 0);

    private int running;
    private int maxRunning;
    private int reads;
    private int connected;
    private int maxConnected;
    private int connects;

    public SlowSource(int firstRunDays = 4, int rowsPerDay = 3)
    {
        RowsPerDay = rowsPerDay;
        Settings = new StreamSyncSettings(0, FirstRunDays: firstRunDays, ChunkDays: 1);
        Streams = [new Reader(this)];
    }

    public string Name => Name_;

    string ISourceConnection.Source => Name_;

    IReadOnlyList<StreamDescriptor> ISource.Streams => [Daily];

    public IReadOnlyList<IStreamReader> Streams { get; }

    public string AccountId { get; set; } = "acc-1";

    public TimeZoneInfo TimeZone => TimeZoneInfo.Utc;

    public long ApiCalls => Interlocked.CompareExchange(ref reads, 0, 0);

    public int RowsPerDay { get; }

    public StreamSyncSettings Settings { get; }

    /// <summary>Awaited after the first page of each window: tests hold a window mid-load here.</summary>
    public Func<DateOnly, CancellationToken, Task> MidWindow { get; set; } = (_, _) => Task.CompletedTask;

    /// <summary>Thrown by ConnectAsync when set (a source refusing its credentials).</summary>
    public Exception? ConnectError { get; set; }

    /// <summary>Thrown instead of the window's second page when set.</summary>
    public Exception? ReadError { get; set; }

    public int MaxConcurrentReads => Volatile.Read(ref maxRunning);

    /// <summary>How many runs connected; a run holds its connection until it ends.</summary>
    public int Connects => Volatile.Read(ref connects);

    /// <summary>The most runs that held a connection at the same time.</summary>
    public int MaxConcurrentRuns => Volatile.Read(ref maxConnected);

    /// <summary>Awaited while connecting: tests make a run last.</summary>
    public Func<CancellationToken, Task> OnConnect { get; set; } = _ => Task.CompletedTask;

    public async Task<IReadOnlyList<ISourceConnection>> ConnectAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref connects);
        if (ConnectError is { } error)
        {
            throw error;
        }

        Raise(ref connected, ref maxConnected);
        try
        {
            await OnConnect(cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref connected);
            throw;
        }

        return [this];
    }

    public ValueTask DisposeAsync()
    {
        Interlocked.Decrement(ref connected);
        return ValueTask.CompletedTask;
    }

    private static void Raise(ref int current, ref int max)
    {
        var now = Interlocked.Increment(ref current);
        int seen;
        while ((seen = Volatile.Read(ref max)) < now && Interlocked.CompareExchange(ref max, now, seen) != seen)
        {
        }
    }

    private sealed class Reader(SlowSource source) : IStreamReader
    {
        public StreamDescriptor Stream => Daily;

        public StreamSyncSettings Settings => source.Settings;

        public async IAsyncEnumerable<RecordBatch> ReadAsync(StreamReadRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Raise(ref source.running, ref source.maxRunning);
            try
            {
                Interlocked.Increment(ref source.reads);
                var day = request.From!.Value;
                // Two pages per window: the first lands in the load table, then the window is "mid-load".
                yield return new RecordBatch([.. Enumerable.Range(0, 1).Select(i => Row(day, i))]);
                await source.MidWindow(day, cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                if (source.ReadError is { } error)
                {
                    throw error;
                }

                yield return new RecordBatch([.. Enumerable.Range(1, source.RowsPerDay - 1).Select(i => Row(day, i))]);
            }
            finally
            {
                Interlocked.Decrement(ref source.running);
            }
        }

        private static object?[] Row(DateOnly day, int i) => [day, (long)i, (long)(day.DayNumber % 100 + i)];
    }
}
