using System.Text.Json.Nodes;

namespace Pipeline.Sandbox.Mailchimp;

/// <summary>
/// Mailchimp's fields / exclude_fields: comma-separated dotted paths from the response root; arrays are transparent
/// (members.email_address selects email_address in every member).
/// </summary>
internal static class FieldProjection
{
    public static JsonNode Apply(JsonNode node, string? fields, string? excludeFields)
    {
        if (!string.IsNullOrWhiteSpace(fields))
        {
            node = Include(node, Tree(fields));
        }

        if (!string.IsNullOrWhiteSpace(excludeFields))
        {
            foreach (var path in Paths(excludeFields))
            {
                Exclude(node, path, 0);
            }
        }

        return node;
    }

    private static List<string[]> Paths(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.Split('.')).ToList();

    private sealed class PathTree : Dictionary<string, PathTree>
    {
        public PathTree()
            : base(StringComparer.Ordinal)
        {
        }
    }

    private static PathTree Tree(string text)
    {
        var root = new PathTree();
        foreach (var path in Paths(text))
        {
            var at = root;
            foreach (var part in path)
            {
                if (!at.TryGetValue(part, out var child))
                {
                    child = new PathTree();
                    at[part] = child;
                }

                at = child;
            }
        }

        return root;
    }

    private static JsonNode Include(JsonNode node, PathTree tree)
    {
        switch (node)
        {
            case JsonArray array:
                return new JsonArray(array.Select(item => item is null ? null : Include(item, tree)).ToArray());
            case JsonObject obj:
                var result = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (tree.TryGetValue(key, out var sub))
                    {
                        // A path that ends here selects the whole value.
                        result[key] = value is null ? null : sub.Count == 0 ? value.DeepClone() : Include(value, sub);
                    }
                }

                return result;
            default:
                return node.DeepClone();
        }
    }

    private static void Exclude(JsonNode? node, string[] path, int depth)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array)
                {
                    Exclude(item, path, depth);
                }

                break;
            case JsonObject obj when depth == path.Length - 1:
                obj.Remove(path[depth]);
                break;
            case JsonObject obj:
                Exclude(obj[path[depth]], path, depth + 1);
                break;
            default:
                break;
        }
    }
}
