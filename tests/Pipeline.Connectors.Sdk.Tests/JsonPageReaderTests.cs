using System.Net;
using System.Text;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Sdk.Tests.Support;

namespace Pipeline.Connectors.Sdk.Tests;

public class JsonPageReaderTests
{
    private static readonly PageReadOptions Quick = new() { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(10) };

    [Test]
    public async Task Connection_dropped_mid_body_is_retried_at_page_level()
    {
        const string Full = """{"items":[1,2,3],"total_items":3}""";
        await using var api = await FakeApi.StartAsync(async (ctx, n) =>
        {
            if (n == 1)
            {
                // Headers promise the whole page, half of it arrives, then the connection dies.
                var bytes = Encoding.UTF8.GetBytes(Full);
                ctx.Response.ContentType = "application/json";
                ctx.Response.ContentLength = bytes.Length;
                await ctx.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
                await ctx.Response.Body.FlushAsync();
                ctx.Abort();
                return;
            }

            await ctx.Json(Full);
        });
        using var client = TestClients.Create(TestClients.FastOptions(api));

        var page = await client.SendForJsonAsync(
            () => new HttpRequestMessage(HttpMethod.Get, "lists"), TestJsonContext.Default.ItemsPage, Quick);

        Assert.That(page.Items, Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(api.Requests, Is.EqualTo(2));
    }

    [Test]
    public async Task Truncated_json_on_every_attempt_gives_a_clear_error()
    {
        await using var api = await FakeApi.StartAsync((ctx, _) => ctx.Json("""{"items":[1,2,"""));
        using var client = TestClients.Create(TestClients.FastOptions(api));

        var error = Assert.ThrowsAsync<SourceResponseFormatException>(() => client.SendForJsonAsync(
            () => new HttpRequestMessage(HttpMethod.Get, "3.0/lists/abc/members?offset=0&access_token=sekrit"),
            TestJsonContext.Default.ItemsPage,
            Quick));

        Assert.Multiple(() =>
        {
            Assert.That(api.Requests, Is.EqualTo(3));
            Assert.That(error!.Message, Does.Contain("GET "));
            Assert.That(error.Message, Does.Contain("/3.0/lists/abc/members"));
            Assert.That(error.Message, Does.Contain("after 3 attempt(s)"));
            Assert.That(error.Message, Does.Contain("line 1, byte 14"));
            Assert.That(error.Message, Does.Not.Contain("sekrit"));
            Assert.That(error.BytePositionInLine, Is.EqualTo(13));
        });
    }

    [Test]
    public async Task Error_status_is_reported_without_page_retries()
    {
        await using var api = await FakeApi.StartAsync((ctx, _) => ctx.Json("""{"message":"no such list"}""", 404));
        using var client = TestClients.Create(TestClients.FastOptions(api));

        var error = Assert.ThrowsAsync<SourceHttpException>(() => client.GetPageAsync("lists/x", TestJsonContext.Default.ItemsPage));

        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(error.Message, Does.Contain("no such list"));
        Assert.That(api.Requests, Is.EqualTo(1));
    }

    [Test]
    public async Task Reads_a_page()
    {
        await using var api = await FakeApi.StartAsync((ctx, _) => ctx.Json("""{"items":[4,5],"total_items":9}"""));
        using var client = TestClients.Create(TestClients.FastOptions(api));

        var page = await client.GetPageAsync("lists", TestJsonContext.Default.ItemsPage);

        Assert.That(page, Is.EqualTo(new ItemsPage([4, 5], 9)).Using<ItemsPage>((a, b) => a.Items.SequenceEqual(b.Items) && a.TotalItems == b.TotalItems));
    }

    [Test]
    public async Task A_page_arriving_a_few_bytes_at_a_time_parses_as_it_arrives_to_the_same_values()
    {
        var items = Enumerable.Range(0, 3000).ToArray();
        var body = Encoding.UTF8.GetBytes($$"""{"items":[{{string.Join(",", items)}}],"total_items":3000}""");
        await using var api = await FakeApi.StartAsync(async (ctx, _) =>
        {
            // No length: chunked transfer, each write flushed on its own, so the reader sees many small reads.
            ctx.Response.ContentType = "application/json";
            for (var at = 0; at < body.Length; at += 7)
            {
                await ctx.Response.Body.WriteAsync(body.AsMemory(at, Math.Min(7, body.Length - at)));
                await ctx.Response.Body.FlushAsync();
            }
        });
        using var client = TestClients.Create(TestClients.FastOptions(api));

        var page = await client.GetPageAsync("lists", TestJsonContext.Default.ItemsPage);

        Assert.That(page.Items, Is.EqualTo(items));
        Assert.That(page.TotalItems, Is.EqualTo(3000));
        Assert.That(api.Requests, Is.EqualTo(1));
    }
}
