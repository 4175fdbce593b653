using System.Text.Json.Nodes;

namespace Pipeline.Connectors.Conformance;

/// <summary>Removes keys from a JSON document the way an API that omits optional or default values would.</summary>
public static class JsonKeys
{
    /// <summary>
    /// The body without every property named in <paramref name="keys"/>, wherever it stands. A key is a property
    /// name (<c>paging</c>) or <c>parent.name</c> to remove <c>name</c> only inside an object held by a property
    /// called <c>parent</c> (directly or as an array element: <c>metadata.currencyCode</c>, <c>rows.metricValues</c>).
    /// Returns the same string instance when nothing was removed or the body is not JSON.
    /// </summary>
    public static string Remove(string body, IReadOnlyCollection<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return body;
        }

        var removed = Strip(root, parent: null, keys);
        return removed == 0 ? body : root!.ToJsonString();
    }

    private static int Strip(JsonNode? node, string? parent, IReadOnlyCollection<string> keys)
    {
        var removed = 0;
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (keys.Contains(name) || (parent is not null && keys.Contains($"{parent}.{name}")))
                    {
                        obj.Remove(name);
                        removed++;
                    }
                    else
                    {
                        removed += Strip(obj[name], name, keys);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    removed += Strip(item, parent, keys);
                }

                break;
        }

        return removed;
    }
}
