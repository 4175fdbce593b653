using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Sandbox.Hosting;

/// <summary>Writes complete JSON bodies with a Content-Length, so fault injection can cut them precisely.</summary>
internal static class HttpJson
{
    public const string ContentType = "application/json; charset=UTF-8";

    public static async Task Write(HttpContext ctx, int status, Action<Utf8JsonWriter> write, string contentType = ContentType)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        // Relaxed escaping: real APIs send '&' and '+' literally, not as \u0026.
        await using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType;
        ctx.Response.ContentLength = buffer.WrittenCount;
        await ctx.Response.Body.WriteAsync(buffer.WrittenMemory, ctx.RequestAborted);
    }

    public static Task Write(HttpContext ctx, int status, JsonNode node, string contentType = ContentType) =>
        Write(ctx, status, w => node.WriteTo(w), contentType);

    /// <summary>Reads a JSON request body; null when it is missing or not JSON.</summary>
    public static async Task<JsonNode?> ReadBody(HttpContext ctx)
    {
        try
        {
            return await JsonNode.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
