using System.Runtime.CompilerServices;
using Pipeline.Connectors.Http;

namespace Pipeline.Connectors.Paging;

/// <summary>
/// Turns an API's paging scheme into a stream of pages, each yielded as soon as it arrives so the caller can
/// stage it before the next is fetched. Cancellation is checked before every fetch.
/// </summary>
public static class Pager
{
    /// <summary>
    /// Offset/count paging with a total (Mailchimp: <c>offset</c>, <c>count</c>, <c>total_items</c>). Stops when
    /// the offset reaches the total or a page comes back empty (a shrinking list must not loop forever).
    /// </summary>
    /// <param name="fetch">Fetches the page at (offset, count).</param>
    /// <param name="itemCount">Items on a page.</param>
    /// <param name="totalItems">The total the page reports.</param>
    public static async IAsyncEnumerable<TPage> ByOffsetAsync<TPage>(
        Func<long, int, CancellationToken, Task<TPage>> fetch,
        Func<TPage, int> itemCount,
        Func<TPage, long> totalItems,
        int pageSize,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        long offset = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await fetch(offset, pageSize, cancellationToken);
            var items = itemCount(page);
            yield return page;

            // Advance by what was asked for, as the API does: items deleted mid-read then cost a short page, not a repeat.
            offset += pageSize;
            if (items == 0 || offset >= totalItems(page))
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// Offset/limit paging against a row count (GA4 runReport: <c>offset</c>, <c>limit</c>, <c>rowCount</c>).
    /// Advances by the rows actually returned, since GA4 may return fewer than the limit before the end.
    /// </summary>
    public static async IAsyncEnumerable<TPage> ByRowCountAsync<TPage>(
        Func<long, int, CancellationToken, Task<TPage>> fetch,
        Func<TPage, int> rowsInPage,
        Func<TPage, long> rowCount,
        int limit,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        long offset = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await fetch(offset, limit, cancellationToken);
            var rows = rowsInPage(page);
            yield return page;

            offset += rows;
            if (rows == 0 || offset >= rowCount(page))
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// Cursor paging (Meta <c>paging.cursors.after</c> while <c>paging.next</c> is present, HubSpot
    /// <c>paging.next.after</c>). <paramref name="nextCursor"/> returns null on the last page. A cursor the
    /// server already handed out means it is looping: <see cref="PagingLoopException"/> after the page that
    /// carried it.
    /// </summary>
    /// <param name="fetch">Fetches the page after the cursor (null for the first page).</param>
    /// <param name="startCursor">Resume point, or null to start at the beginning.</param>
    public static async IAsyncEnumerable<TPage> ByCursorAsync<TPage>(
        Func<string?, CancellationToken, Task<TPage>> fetch,
        Func<TPage, string?> nextCursor,
        string? startCursor = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (startCursor is not null)
        {
            seen.Add(startCursor);
        }

        var cursor = startCursor;
        var pages = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await fetch(cursor, cancellationToken);
            pages++;
            var next = nextCursor(page);
            yield return page;

            if (string.IsNullOrEmpty(next))
            {
                yield break;
            }

            if (!seen.Add(next))
            {
                throw new PagingLoopException(
                    $"the server returned cursor '{Abbreviate(next)}' a second time after {pages} page(s); stopping instead of looping");
            }

            cursor = next;
        }
    }

    // Meta's "next" cursors are full URLs carrying the access token.
    private static string Abbreviate(string cursor)
    {
        var safe = SecretRedactor.RedactUrl(cursor);
        return safe.Length <= 120 ? safe : string.Concat(safe.AsSpan(0, 120), "…");
    }
}

/// <summary>The server's paging went in a circle; the stream would never end.</summary>
public sealed class PagingLoopException : Exception
{
    public PagingLoopException()
    {
    }

    public PagingLoopException(string message)
        : base(message)
    {
    }

    public PagingLoopException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
