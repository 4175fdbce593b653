using System.Runtime.CompilerServices;
using Pipeline.Connectors.Streams;
using Pipeline.Etl.Sync;

namespace Pipeline.Etl.Tests;

public sealed class ReadAheadTests
{
    [Test]
    public async Task Pages_arrive_in_order_and_the_next_one_is_read_while_the_current_one_is_loaded()
    {
        var produced = 0;
        var seenAhead = new List<int>();
        var pages = new List<int>();
        await foreach (var page in ReadAhead.Buffered(Pages(5, onProduced: n => Volatile.Write(ref produced, n)), pages: 1))
        {
            // The loader is slow: by the time it is done, the reader has fetched the page after this one.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Volatile.Read(ref produced) < Math.Min(page + 2, 5) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }

            seenAhead.Add(Volatile.Read(ref produced) - page);
            pages.Add(page);
        }

        Assert.That(pages, Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
        Assert.That(seenAhead.Take(4), Is.All.GreaterThanOrEqualTo(2), "page n+1 was produced while page n was being consumed");
    }

    [Test]
    public async Task A_reader_failure_keeps_its_type_and_comes_after_the_pages_read_before_it()
    {
        var pages = new List<int>();
        var error = Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var page in ReadAhead.Buffered(Pages(5, failAt: 3), pages: 1))
            {
                pages.Add(page);
            }
        });

        Assert.That(error!.Message, Is.EqualTo("page 3 is broken"));
        Assert.That(pages, Is.EqualTo(new[] { 0, 1, 2 }));
        await Task.CompletedTask;
    }

    [Test]
    public async Task When_the_load_stops_early_the_reading_is_cancelled_and_finished_before_it_returns()
    {
        var reader = new TrackedReader();
        await using (var pages = ReadAhead.Buffered(reader.Pages(), pages: 1).GetAsyncEnumerator())
        {
            Assert.That(await pages.MoveNextAsync(), Is.True);
        }

        Assert.That(reader.Finished, Is.True, "the reader's own cleanup ran before the buffer returned");
        Assert.That(reader.Produced, Is.LessThanOrEqualTo(3), "no more than the page consumed, one buffered and one in flight");
    }

    [Test]
    public void Cancelling_the_sync_cancels_the_read_with_OperationCanceledException()
    {
        using var cancel = new CancellationTokenSource();
        Assert.That(async () =>
        {
            await foreach (var page in ReadAhead.Buffered(Endless(), pages: 1, cancel.Token))
            {
                if (page == 2)
                {
                    await cancel.CancelAsync();
                }
            }
        }, Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task Read_ahead_by_rows_stops_the_reader_once_the_waiting_batches_fill_the_row_budget()
    {
        var produced = 0;
        var seen = new List<int>();
        await using (var batches = ReadAhead.Rows(Batches(20, rowsEach: 100, onProduced: n => Volatile.Write(ref produced, n)), rows: 300).GetAsyncEnumerator())
        {
            Assert.That(await batches.MoveNextAsync(), Is.True);
            seen.Add(batches.Current.Rows.Count);

            // The loader is stuck on the first batch: the reader fills the budget (3 batches of 100 rows) and may
            // hold one more it could not hand over, then waits.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Volatile.Read(ref produced) < 5 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }

            await Task.Delay(100);
            Assert.That(Volatile.Read(ref produced), Is.EqualTo(5), "1 taken + 300 rows waiting + 1 in the reader's hands");

            while (await batches.MoveNextAsync())
            {
                seen.Add(batches.Current.Rows.Count);
            }
        }

        Assert.That(seen, Has.Count.EqualTo(20));
    }

    [Test]
    public async Task A_batch_larger_than_the_row_budget_still_passes_alone_and_order_is_kept()
    {
        var sizes = new List<int>();
        await foreach (var batch in ReadAhead.Rows(Sized([50, 1000, 10, 2000, 5]), rows: 100))
        {
            sizes.Add(batch.Rows.Count);
        }

        Assert.That(sizes, Is.EqualTo(new[] { 50, 1000, 10, 2000, 5 }));
    }

    private static async IAsyncEnumerable<RecordBatch> Batches(int count, int rowsEach, Action<int> onProduced)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            onProduced(i + 1);
            yield return new RecordBatch([.. Enumerable.Range(0, rowsEach).Select(r => new object?[] { i, r })]);
        }
    }

    private static async IAsyncEnumerable<RecordBatch> Sized(int[] sizes)
    {
        foreach (var size in sizes)
        {
            await Task.Yield();
            yield return new RecordBatch([.. Enumerable.Range(0, size).Select(r => new object?[] { r })]);
        }
    }

    private static async IAsyncEnumerable<int> Pages(int count, Action<int>? onProduced = null, int failAt = -1)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            if (i == failAt)
            {
                throw new InvalidDataException($"page {i} is broken");
            }

            onProduced?.Invoke(i + 1);
            yield return i;
        }
    }

    private static async IAsyncEnumerable<int> Endless([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; ; i++)
        {
            await Task.Delay(1, cancellationToken);
            yield return i;
        }
    }

    private sealed class TrackedReader
    {
        private int produced;

        public int Produced => Volatile.Read(ref produced);

        public bool Finished { get; private set; }

        public async IAsyncEnumerable<int> Pages([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            try
            {
                for (var i = 0; i < 1000; i++)
                {
                    await Task.Delay(1, cancellationToken);
                    Interlocked.Increment(ref produced);
                    yield return i;
                }
            }
            finally
            {
                Finished = true;
            }
        }
    }
}
