using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Cli.Init;

/// <summary>
/// Writes a JSON object with <c>//</c> comments above its keys (and notes at the end of an object), the way
/// <c>pipeline init</c> explains a configuration. Microsoft.Extensions.Configuration's JSON provider skips comments,
/// so the file loads as it is.
/// </summary>
internal static class CommentedJson
{
    private static readonly JsonSerializerOptions Scalar = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="header">Comment lines above the object.</param>
    /// <param name="root">The configuration.</param>
    /// <param name="comment">The comment of a key path (list indices left out, e.g. <c>Sources:Ga4:Properties:PropertyId</c>), or null.</param>
    /// <param name="notes">Comment lines closing the object at a path (e.g. where a secret comes from), or none.</param>
    public static string Render(IEnumerable<string> header, JsonObject root, Func<string, string?> comment, Func<string, IEnumerable<string>> notes)
    {
        var text = new StringBuilder();
        foreach (var line in header)
        {
            text.Append("// ").Append(line).Append('\n');
        }

        WriteObject(text, root, "", 0, comment, notes);
        text.Append('\n');
        return text.ToString();
    }

    /// <summary>A key path without list indices: <c>Sources:Ga4:Properties:0:PropertyId</c> → <c>Sources:Ga4:Properties:PropertyId</c>.</summary>
    public static string PathOf(string parent, string key) =>
        parent.Length == 0 ? key : $"{parent}:{key}";

    private static void WriteObject(StringBuilder text, JsonObject obj, string path, int depth, Func<string, string?> comment, Func<string, IEnumerable<string>> notes)
    {
        var indent = new string(' ', (depth + 1) * 2);
        text.Append("{\n");
        var i = 0;
        foreach (var (key, value) in obj)
        {
            var keyPath = PathOf(path, key);
            if (comment(keyPath) is { Length: > 0 } explained)
            {
                foreach (var line in explained.Split('\n'))
                {
                    text.Append(indent).Append("// ").Append(line).Append('\n');
                }
            }

            text.Append(indent).Append(JsonSerializer.Serialize(key, Scalar)).Append(": ");
            WriteValue(text, value, keyPath, depth + 1, comment, notes);
            text.Append(++i < obj.Count ? ",\n" : "\n");
        }

        foreach (var line in notes(path))
        {
            text.Append(indent).Append("// ").Append(line).Append('\n');
        }

        text.Append(new string(' ', depth * 2)).Append('}');
    }

    private static void WriteValue(StringBuilder text, JsonNode? value, string path, int depth, Func<string, string?> comment, Func<string, IEnumerable<string>> notes)
    {
        switch (value)
        {
            case JsonObject obj:
                WriteObject(text, obj, path, depth, comment, notes);
                break;
            case JsonArray array when array.Any(e => e is JsonObject):
                // Lists of objects one item per line block; their keys share the list's path (no index).
                text.Append("[\n");
                for (var i = 0; i < array.Count; i++)
                {
                    text.Append(new string(' ', (depth + 1) * 2));
                    WriteValue(text, array[i], path, depth + 1, comment, notes);
                    text.Append(i + 1 < array.Count ? ",\n" : "\n");
                }

                text.Append(new string(' ', depth * 2)).Append(']');
                break;
            case JsonArray array:
                text.Append('[').Append(string.Join(", ", array.Select(e => e?.ToJsonString(Scalar) ?? "null"))).Append(']');
                break;
            default:
                text.Append(value?.ToJsonString(Scalar) ?? "null");
                break;
        }
    }
}
