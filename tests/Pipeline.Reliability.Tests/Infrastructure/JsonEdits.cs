using System.Text.Json.Nodes;

namespace Pipeline.Reliability.Tests.Infrastructure;

/// <summary>Edits of one record in a JSON page: the index-th element of a top-level array property.</summary>
internal static class JsonEdits
{
    /// <summary>Sets a dotted path (numbers index arrays: <c>metricValues.0.value</c>) to a JSON value, or removes it (null).</summary>
    public static string Set(string body, string array, int index, string path, JsonNode? value, bool remove = false)
    {
        var root = JsonNode.Parse(body)!;
        if (Record(root, array, index) is not { } record)
        {
            return body;
        }

        var segments = path.Split('.');
        var parent = record;
        foreach (var segment in segments[..^1])
        {
            parent = Child(parent, segment);
            if (parent is null)
            {
                return body;
            }
        }

        var last = segments[^1];
        switch (parent)
        {
            case JsonObject o when remove:
                o.Remove(last);
                break;
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when int.TryParse(last, out var i) && i < a.Count:
                a[i] = value;
                break;
            default:
                return body;
        }

        return root.ToJsonString();
    }

    /// <summary>Appends a copy of the record to its array: the same key twice in one page.</summary>
    public static string Duplicate(string body, string array, int index)
    {
        var root = JsonNode.Parse(body)!;
        if (Record(root, array, index) is not { } record)
        {
            return body;
        }

        root[array]!.AsArray().Add(record.DeepClone());
        return root.ToJsonString();
    }

    /// <summary>The first <paramref name="fraction"/> of the body: JSON that ends mid-value.</summary>
    public static string Truncate(string body, double fraction) => body[..Math.Max(1, (int)(body.Length * fraction))];

    private static JsonNode? Record(JsonNode root, string array, int index) =>
        root[array] is JsonArray items && index < items.Count ? items[index] : null;

    private static JsonNode? Child(JsonNode node, string segment) => node switch
    {
        JsonObject o => o[segment],
        JsonArray a when int.TryParse(segment, out var i) && i < a.Count => a[i],
        _ => null,
    };
}
