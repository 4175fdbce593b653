using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Pipeline.Connectors.Mailchimp;

/// <summary>
/// Parallel reads within the account's connection budget: the HTTP client caps simultaneous requests, these only
/// keep enough of them in flight. Pending work is cancelled and awaited when the consumer stops early.
/// </summary>
internal static class ConcurrentPaging
{
    /// <summary>
    /// Offset/count paging like <see cref="Paging.Pager.ByOffsetAsync{TPage}"/>, but once the first page gives the total,
    /// up to <paramref name="degree"/> further pages are fetched at once. Pages are yielded in offset order.
    /// </summary>
    public static async IAsyncEnumerable<TPage> ByOffsetAsync<TPage>(
        Func<long, int, CancellationToken, Task<TPage>> fetch,
        Func<TPage, int> itemCount,
        Func<TPage, long> totalItems,
        int pageSize,
        int degree,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var first = await fetch(0, pageSize, cancellationToken);
        yield return first;
        var total = totalItems(first);
        if (itemCount(first) == 0 || pageSize >= total)
        {
            yield break;
        }

        if (total == MailchimpPages.UnknownTotal)
        {
            // Without a total there is nothing to fan out over: page on one at a time while pages come back full.
            for (long offset = pageSize; offset < total; offset += pageSize)
            {
                var page = await fetch(offset, pageSize, cancellationToken);
                yield return page;
                total = itemCount(page) == 0 ? 0 : totalItems(page);
            }

            yield break;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = new Queue<Task<TPage>>();
        long next = pageSize;
        try
        {
            while (next < total && pending.Count < Math.Max(1, degree))
            {
                pending.Enqueue(fetch(next, pageSize, stop.Token));
                next += pageSize;
            }

            while (pending.Count > 0)
            {
                var page = await pending.Dequeue();
                if (next < total)
                {
                    pending.Enqueue(fetch(next, pageSize, stop.Token));
                    next += pageSize;
                }

                yield return page;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(pending.Select(t => (Task)t)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Runs <paramref name="read"/> for every item, at most <paramref name="degree"/> at once, yielding results as they arrive.</summary>
    public static async IAsyncEnumerable<T> FanOutAsync<TItem, T>(
        IReadOnlyList<TItem> items,
        int degree,
        Func<TItem, CancellationToken, IAsyncEnumerable<T>> read,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (items.Count == 0)
        {
            yield break;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(Math.Max(1, degree) * 2) { SingleReader = true });
        var producer = Task.Run(
            async () =>
            {
                try
                {
                    await Parallel.ForEachAsync(
                        items,
                        new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, degree), CancellationToken = stop.Token },
                        async (item, ct) =>
                        {
                            await foreach (var result in read(item, ct).WithCancellation(ct))
                            {
                                await channel.Writer.WriteAsync(result, ct);
                            }
                        });
                    channel.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    channel.Writer.TryComplete(ex);
                }
            },
            CancellationToken.None);

        try
        {
            await foreach (var result in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return result;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await producer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
