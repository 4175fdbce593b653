using System.Globalization;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Paging;
using Pipeline.Connectors.Sdk.Tests.Support;

namespace Pipeline.Connectors.Sdk.Tests;

public class PagerTests
{
    [Test]
    public async Task Offset_paging_reads_every_item_once_over_http()
    {
        // Mailchimp-style: offset & count in, items & total_items out.
        var all = Enumerable.Range(1, 23).ToArray();
        await using var api = await FakeApi.StartAsync((ctx, _) =>
        {
            var offset = int.Parse(ctx.Request.Query["offset"]!, CultureInfo.InvariantCulture);
            var count = int.Parse(ctx.Request.Query["count"]!, CultureInfo.InvariantCulture);
            var items = string.Join(',', all.Skip(offset).Take(count));
            return ctx.Json($$"""{"items":[{{items}}],"total_items":{{all.Length}}}""");
        });
        using var client = TestClients.Create(TestClients.FastOptions(api));

        var read = new List<int>();
        await foreach (var page in Pager.ByOffsetAsync(
                           (offset, count, ct) => client.GetPageAsync($"members?offset={offset}&count={count}", TestJsonContext.Default.ItemsPage, ct),
                           p => p.Items.Count,
                           p => p.TotalItems,
                           pageSize: 10))
        {
            read.AddRange(page.Items);
        }

        Assert.That(read, Is.EqualTo(all));
        Assert.That(api.Arrivals.Select(a => a.PathAndQuery), Is.EqualTo(new[]
        {
            "/members?offset=0&count=10", "/members?offset=10&count=10", "/members?offset=20&count=10",
        }));
    }

    [Test]
    public async Task Offset_paging_stops_on_an_empty_page_even_if_the_total_says_more()
    {
        var calls = 0;
        var pages = await Pager.ByOffsetAsync(
            (offset, _, _) =>
            {
                calls++;
                return Task.FromResult(offset == 0 ? new ItemsPage([1, 2], 100) : new ItemsPage([], 100));
            },
            p => p.Items.Count,
            p => p.TotalItems,
            pageSize: 2).ToListAsync();

        Assert.That(pages, Has.Count.EqualTo(2));
        Assert.That(calls, Is.EqualTo(2));
    }

    [Test]
    public async Task Row_count_paging_advances_by_rows_returned()
    {
        // GA4 may return fewer rows than the limit before the end; the next offset follows what came back.
        var rowCount = 25;
        var offsets = new List<long>();
        var total = 0;
        await foreach (var page in Pager.ByRowCountAsync(
                           (offset, limit, _) =>
                           {
                               offsets.Add(offset);
                               var rows = (int)Math.Min(Math.Min(limit, 7), rowCount - offset);
                               return Task.FromResult((Rows: rows, RowCount: (long)rowCount));
                           },
                           p => p.Rows,
                           p => p.RowCount,
                           limit: 10))
        {
            total += page.Rows;
        }

        Assert.That(total, Is.EqualTo(25));
        Assert.That(offsets, Is.EqualTo(new long[] { 0, 7, 14, 21 }));
    }

    [Test]
    public async Task Cursor_paging_follows_the_cursor_to_the_end_over_http()
    {
        // HubSpot-style: paging.next.after until it is absent.
        await using var api = await FakeApi.StartAsync((ctx, _) => ctx.Request.Query["after"].ToString() switch
        {
            "" => ctx.Json("""{"results":[1,2],"paging":{"next":{"after":"c2"}}}"""),
            "c2" => ctx.Json("""{"results":[3,4],"paging":{"next":{"after":"c4"}}}"""),
            "c4" => ctx.Json("""{"results":[5]}"""),
            _ => ctx.Status(400),
        });
        using var client = TestClients.Create(TestClients.FastOptions(api));

        var read = new List<int>();
        await foreach (var page in Pager.ByCursorAsync(
                           (after, ct) => client.GetPageAsync(after is null ? "contacts" : $"contacts?after={after}", TestJsonContext.Default.CursorPage, ct),
                           p => p.Paging?.Next?.After))
        {
            read.AddRange(page.Results);
        }

        Assert.That(read, Is.EqualTo(new[] { 1, 2, 3, 4, 5 }));
        Assert.That(api.Requests, Is.EqualTo(3));
    }

    [Test]
    public void Cursor_paging_stops_when_the_server_repeats_a_cursor()
    {
        var next = new Dictionary<string, string?> { [""] = "a", ["a"] = "b", ["b"] = "a" };
        var fetched = new List<string?>();
        var yielded = 0;

        var error = Assert.ThrowsAsync<PagingLoopException>(async () =>
        {
            await foreach (var _ in Pager.ByCursorAsync(
                               (cursor, _) =>
                               {
                                   fetched.Add(cursor);
                                   return Task.FromResult(next[cursor ?? string.Empty]);
                               },
                               page => page))
            {
                yielded++;
            }
        });

        Assert.That(fetched, Is.EqualTo(new[] { null, "a", "b" }));
        Assert.That(yielded, Is.EqualTo(3));
        Assert.That(error!.Message, Does.Contain("cursor 'a' a second time"));
    }

    [Test]
    public void Repeated_cursor_message_does_not_leak_a_token_in_a_next_url()
    {
        const string Next = "https://graph.facebook.com/v21.0/act_1/insights?access_token=EAAB-secret&after=x";
        var error = Assert.ThrowsAsync<PagingLoopException>(async () =>
        {
            await foreach (var _ in Pager.ByCursorAsync((_, _) => Task.FromResult(Next), page => page))
            {
            }
        });

        Assert.That(error!.Message, Does.Not.Contain("EAAB-secret"));
    }

    [Test]
    public void Cancellation_between_pages_stops_before_the_next_fetch()
    {
        using var cts = new CancellationTokenSource();
        var fetches = 0;

        Assert.That(async () =>
        {
            await foreach (var _ in Pager.ByCursorAsync(
                               (cursor, _) => Task.FromResult($"c{++fetches}"),
                               page => page,
                               cancellationToken: cts.Token))
            {
                cts.Cancel();
            }
        }, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(fetches, Is.EqualTo(1));
    }

    [Test]
    public async Task Cancellation_during_a_fetch_ends_paging_promptly()
    {
        await using var api = await FakeApi.StartAsync((ctx, n) => n == 1 ? ctx.Json("""{"items":[1],"total_items":50}""") : ctx.Hang());
        using var client = TestClients.Create(TestClients.FastOptions(api));
        using var cts = new CancellationTokenSource();
        var pages = 0;

        var reading = Task.Run(async () =>
        {
            await foreach (var _ in Pager.ByOffsetAsync(
                               (offset, count, ct) => client.GetPageAsync($"m?offset={offset}", TestJsonContext.Default.ItemsPage, ct),
                               p => p.Items.Count,
                               p => p.TotalItems,
                               pageSize: 1,
                               cts.Token))
            {
                if (++pages == 1)
                {
                    cts.CancelAfter(100);
                }
            }
        });

        // The server would hang for 30 s; cancellation must end the read long before that.
        Assert.That(async () => await reading.WaitAsync(TimeSpan.FromSeconds(10)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(pages, Is.EqualTo(1));
        Assert.That(api.Requests, Is.EqualTo(2));
    }
}
