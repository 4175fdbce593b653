using System.Text;
using System.Text.Json;
using Pipeline.Connectors.Http;
using Pipeline.Connectors.Sdk.Tests.Support;

namespace Pipeline.Connectors.Sdk.Tests;

/// <summary>
/// A page read row by row while it streams in must be exactly the page the serializer reads from the whole body,
/// wherever the body's blocks happen to end.
/// </summary>
public sealed class StreamedJsonPageTests
{
    private const string Page = """
        {"before":"caf\u00e9 \"quoted\"", "rows":[
          {"id":1,"tags":["a","b\nc"]},
          {"tags":[],"ignored":{"x":[1,{"y":null}]},"id":22},
          {"id":333,"tags":["\u65e5\u672c", "long tag long tag long tag long tag"]}
        ],
        "unknown":[true,false,null,1.5e3], "af\u0074er":{"next":"cursor==","counts":[1,2,3]}}
        """;

    private static readonly JsonRows<TaggedPage, TaggedRow> Rows = new("rows", TryReadRow, static (page, rows) => page with { Rows = rows });

    [Test]
    public async Task Page_equals_the_serializers_wherever_the_body_is_cut()
    {
        var expected = Json(JsonSerializer.Deserialize(Page, TestJsonContext.Default.TaggedPage));
        foreach (var block in new[] { 1, 2, 3, 5, 7, 16, 100, 100_000 })
        {
            foreach (var bufferSize in new[] { 1, 8, 64, StreamedJsonPage.DefaultBufferSize })
            {
                await using var body = new TrickleStream(Encoding.UTF8.GetBytes(Page), block);

                var page = await StreamedJsonPage.ReadAsync(body, TestJsonContext.Default.TaggedPage, Rows, CancellationToken.None, bufferSize);

                Assert.That(Json(page), Is.EqualTo(expected), $"blocks of {block} byte(s), buffer {bufferSize}");
            }
        }
    }

    [Test]
    public async Task Missing_or_null_rows_are_an_empty_list_and_a_null_body_is_null()
    {
        foreach (var json in new[] { """{"before":"x"}""", """{"rows":null,"before":"x"}""", """{"rows":[],"before":"x"}""" })
        {
            await using var body = new TrickleStream(Encoding.UTF8.GetBytes(json), 3);

            var page = await StreamedJsonPage.ReadAsync(body, TestJsonContext.Default.TaggedPage, Rows, CancellationToken.None, 4);

            Assert.That(page!.Rows, Is.Empty, json);
            Assert.That(page.Before, Is.EqualTo("x"), json);
        }

        await using var nothing = new TrickleStream("null"u8.ToArray(), 1);
        Assert.That(await StreamedJsonPage.ReadAsync(nothing, TestJsonContext.Default.TaggedPage, Rows, CancellationToken.None), Is.Null);
    }

    [Test]
    public void A_body_that_breaks_off_or_is_not_json_is_a_json_error()
    {
        foreach (var json in new[] { Page[..(Page.Length / 2)], Page[..^1], """{"rows":[{"id":1,"tags":[]},]}""", """{"rows":[{"id":x}]}""", """[1,2]""", """{"rows":{"id":1}}""" })
        {
            Assert.ThrowsAsync(Is.InstanceOf<JsonException>(), async () =>
            {
                await using var body = new TrickleStream(Encoding.UTF8.GetBytes(json), 5);
                await StreamedJsonPage.ReadAsync(body, TestJsonContext.Default.TaggedPage, Rows, CancellationToken.None, 8);
            }, json);
        }
    }

    [Test]
    public async Task Rows_are_read_once_each_but_for_those_cut_by_the_end_of_a_block()
    {
        var rows = string.Join(",", Enumerable.Range(0, 1000).Select(i => $$"""{"id":{{i}},"tags":["t{{i}}"]}"""));
        var json = $$"""{"rows":[{{rows}}]}""";
        var attempts = 0;
        var counting = new JsonRows<TaggedPage, TaggedRow>("rows", (ref Utf8JsonReader r, out TaggedRow row) => { attempts++; return TryReadRow(ref r, out row); }, Rows.Attach);
        await using var body = new TrickleStream(Encoding.UTF8.GetBytes(json), 1024);

        var page = await StreamedJsonPage.ReadAsync(body, TestJsonContext.Default.TaggedPage, counting, CancellationToken.None, 1024);

        Assert.That(page!.Rows!.Select(r => r.Id), Is.EqualTo(Enumerable.Range(0, 1000)));
        // Each read (up to 1 KiB) ends inside at most one row, which is read again with the next; some rows were cut.
        Assert.That(attempts, Is.InRange(1001, 1000 + (json.Length / 512) + 2));
    }

    [Test]
    public async Task SendForJsonAsync_reads_a_streamed_page_and_retries_a_truncated_one()
    {
        await using var api = await FakeApi.StartAsync((ctx, n) => ctx.Json(n == 1 ? Page[..40] : Page));
        using var client = TestClients.Create(TestClients.FastOptions(api));

        var page = await client.SendForJsonAsync(
            () => new HttpRequestMessage(HttpMethod.Get, "rows"),
            TestJsonContext.Default.TaggedPage,
            Rows,
            new PageReadOptions { MaxAttempts = 2, BaseDelay = TimeSpan.FromMilliseconds(10) });

        Assert.That(page.Rows!.Select(r => r.Id), Is.EqualTo(new[] { 1, 22, 333 }));
        Assert.That(page.After!.Next, Is.EqualTo("cursor=="));
        Assert.That(api.Requests, Is.EqualTo(2));
    }

    private static string Json(TaggedPage? page) => JsonSerializer.Serialize(page, TestJsonContext.Default.TaggedPage);

    /// <summary>A row reader in the shape connectors write: false whenever the bytes end before the row does.</summary>
    private static bool TryReadRow(ref Utf8JsonReader reader, out TaggedRow row)
    {
        row = null!;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"expected a row object, found {reader.TokenType}");
        }

        var id = 0;
        var tags = new List<string>();
        while (true)
        {
            if (!reader.Read())
            {
                return false;
            }

            if (reader.TokenType == JsonTokenType.EndObject)
            {
                row = new TaggedRow(id, tags);
                return true;
            }

            var name = reader.GetString();
            if (!reader.Read())
            {
                return false;
            }

            switch (name)
            {
                case "id":
                    id = reader.GetInt32();
                    break;
                case "tags":
                    while (true)
                    {
                        if (!reader.Read())
                        {
                            return false;
                        }

                        if (reader.TokenType == JsonTokenType.EndArray)
                        {
                            break;
                        }

                        tags.Add(reader.GetString()!);
                    }

                    break;
                default:
                    if (!reader.TrySkip())
                    {
                        return false;
                    }

                    break;
            }
        }
    }

    /// <summary>A body that arrives at most <c>block</c> bytes per read, as a socket delivers it.</summary>
    private sealed class TrickleStream(byte[] bytes, int block) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, block)], cancellationToken);
    }
}
