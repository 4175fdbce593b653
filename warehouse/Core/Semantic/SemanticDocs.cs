using System.Collections.Concurrent;
using System.Text.Json;

namespace Pipeline.Warehouse.Semantic;

/// <summary>
/// The descriptions of the semantic layer, one JSON file per view beside nothing engine-specific
/// (warehouse/Semantic/dw/fact_deal.json), embedded in this assembly. Both engines render the same file: DuckDB as
/// COMMENT ON, SQL Server as etl.set_description, so a description is written once.
/// </summary>
public static class SemanticDocs
{
    private const string ResourcePrefix = "Semantic/";

    private static readonly ConcurrentDictionary<string, ViewDocs> Cache = new(StringComparer.Ordinal);

    /// <summary>Every view that has a docs file, as schema.name.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        .. typeof(SemanticDocs).Assembly.GetManifestResourceNames()
            .Select(n => n.Replace('\\', '/'))
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            .Select(n => n[ResourcePrefix.Length..^".json".Length].Replace('/', '.'))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>The docs of <paramref name="schema"/>.<paramref name="name"/>; a view without a docs file is an error, so none is left undescribed by accident.</summary>
    public static ViewDocs For(string schema, string name) =>
        Cache.GetOrAdd(schema + "/" + name, static key =>
        {
            var assembly = typeof(SemanticDocs).Assembly;
            var resource = assembly.GetManifestResourceNames().FirstOrDefault(n => n.Replace('\\', '/') == ResourcePrefix + key + ".json")
                ?? throw new InvalidOperationException($"warehouse/Semantic/{key}.json is missing: every semantic view has a docs file (it may be {{}})");
            using var stream = assembly.GetManifestResourceStream(resource)!;
            return Parse(stream, key);
        });

    /// <summary>Reads <c>{"description": "...", "columns": {"column": "..."}}</c>, keeping the columns in file order.</summary>
    public static ViewDocs Parse(Stream json, string key)
    {
        using var document = JsonDocument.Parse(json);
        string? description = null;
        MartRefreshPolicy? refresh = null;
        var columns = new List<ColumnDoc>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            switch (property.Name)
            {
                case "description":
                    description = property.Value.GetString();
                    break;
                case "columns":
                    columns.AddRange(property.Value.EnumerateObject().Select(c => new ColumnDoc(c.Name, c.Value.GetString()
                        ?? throw new InvalidOperationException($"warehouse/Semantic/{key}.json: column {c.Name} has no text"))));
                    break;
                case "refresh":
                    refresh = ParseRefresh(property.Value, key);
                    break;
                default:
                    throw new InvalidOperationException($"warehouse/Semantic/{key}.json: unknown key '{property.Name}' (description, columns, refresh)");
            }
        }

        return new ViewDocs(description, columns) { Refresh = refresh };
    }

    /// <summary><c>"full"</c>, <c>"context"</c>, or <c>{"key": column, "period": day|week|month|quarter|year, "end": column (optional)}</c>.</summary>
    private static MartRefreshPolicy ParseRefresh(JsonElement value, string key)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString() is "full" or "context")
        {
            return value.GetString() == "full" ? MartRefreshPolicy.Full : MartRefreshPolicy.Context;
        }

        // An object holds only these keys, each a non-empty string; "end" may be left out.
        if (value.ValueKind == JsonValueKind.Object
            && value.EnumerateObject().All(p => p.Name is "key" or "period" or "end" && p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() is { Length: > 0 })
            && value.TryGetProperty("key", out var column)
            && value.TryGetProperty("period", out var period) && MartRefreshPolicy.Periods.Contains(period.GetString()))
        {
            return new MartRefreshPolicy(column.GetString(), period.GetString()!) { End = value.TryGetProperty("end", out var end) ? end.GetString() : null };
        }

        throw new InvalidOperationException(
            $"warehouse/Semantic/{key}.json: refresh must be \"full\", \"context\" or {{\"key\": column, \"period\": {string.Join("|", MartRefreshPolicy.Periods)}, \"end\": column (optional)}}");
    }
}
