using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Pipeline.Etl.Sync;

/// <summary>
/// Lets a source fetch and parse its next page while the loader appends the current one: HTTP wait and JSON work
/// overlap the warehouse's, instead of taking turns. At most the given number of pages wait in between, so
/// memory stays bounded by a few pages. Errors keep their type and arrive after the pages read before them; when
/// the consumer stops early (the load failed), the reading is cancelled and awaited before this returns.
/// </summary>
public static class ReadAhead
{
    public static async IAsyncEnumerable<T> Buffered<T>(IAsyncEnumerable<T> source, int pages, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(pages, 1);
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(pages) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ExceptionDispatchInfo? failure = null;
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var item in source.WithCancellation(stop.Token).ConfigureAwait(false))
                    {
                        await channel.Writer.WriteAsync(item, stop.Token).ConfigureAwait(false);
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
                while (channel.Reader.TryRead(out var item))
                {
                    yield return item;
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
