using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Pipeline.Connectors.Streams;

namespace Pipeline.Etl.Sync;

/// <summary>
/// Lets a source fetch and parse its next batches while the loader appends the current one: HTTP wait and JSON
/// work overlap the warehouse's, instead of taking turns. What waits in between is bounded by a budget: in rows
/// for record batches (<see cref="Rows"/>), so memory does not depend on how many rows an API puts in a page.
/// Errors keep their type and arrive after the items read before them; when the consumer stops early (the load
/// failed), the reading is cancelled and awaited before this returns.
/// </summary>
public static class ReadAhead
{
    /// <summary>
    /// Rows a sync reads ahead of the loader by default: two batches of <see cref="RecordBatch.MaxRows"/>, enough to
    /// keep the next request in flight, a few MB of typed values.
    /// </summary>
    public const int DefaultRows = 2 * RecordBatch.MaxRows;

    /// <summary>
    /// Up to <paramref name="rows"/> rows (and rejects) of batches read ahead. A batch larger than the budget still
    /// passes, alone: the budget bounds what waits, it never stalls the stream.
    /// </summary>
    public static IAsyncEnumerable<RecordBatch> Rows(IAsyncEnumerable<RecordBatch> source, int rows, CancellationToken cancellationToken = default) =>
        Buffered(source, static batch => batch.Rows.Count + batch.Rejects.Count, rows, cancellationToken);

    /// <summary>Up to <paramref name="pages"/> items read ahead, whatever their size.</summary>
    public static IAsyncEnumerable<T> Buffered<T>(IAsyncEnumerable<T> source, int pages, CancellationToken cancellationToken = default) =>
        Buffered(source, static _ => 1, pages, cancellationToken);

    /// <summary>
    /// Items read ahead while the total <paramref name="size"/> of those waiting stays within
    /// <paramref name="budget"/>; one item always fits when none waits.
    /// </summary>
    public static async IAsyncEnumerable<T> Buffered<T>(
        IAsyncEnumerable<T> source, Func<T, int> size, int budget, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(size);
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        var channel = Channel.CreateUnbounded<(T Item, int Size)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var taken = new SemaphoreSlim(0); // released once per item the consumer takes: the producer re-checks the budget
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long waiting = 0; // total size of the items in the channel
        ExceptionDispatchInfo? failure = null;
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var item in source.WithCancellation(stop.Token).ConfigureAwait(false))
                    {
                        var itemSize = Math.Max(0, size(item));
                        while (Interlocked.Read(ref waiting) is var queued && queued > 0 && queued + itemSize > budget)
                        {
                            await taken.WaitAsync(stop.Token).ConfigureAwait(false);
                        }

                        Interlocked.Add(ref waiting, itemSize);
                        channel.Writer.TryWrite((item, itemSize));
                    }
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
                finally
                {
                    channel.Writer.TryComplete();
                }
            },
            CancellationToken.None);

        try
        {
            while (await channel.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var entry))
                {
                    Interlocked.Add(ref waiting, -entry.Size);
                    taken.Release();
                    yield return entry.Item;
                }
            }

            await producer.ConfigureAwait(false);
            failure?.Throw();
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
        }
    }
}
