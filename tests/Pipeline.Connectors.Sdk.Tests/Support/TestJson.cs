using System.Text.Json.Serialization;

namespace Pipeline.Connectors.Sdk.Tests.Support;

internal sealed record ItemsPage(
    [property: JsonPropertyName("items")] IReadOnlyList<int> Items,
    [property: JsonPropertyName("total_items")] long TotalItems = 0);

internal sealed record CursorPage(
    [property: JsonPropertyName("results")] IReadOnlyList<int> Results,
    [property: JsonPropertyName("paging")] CursorPaging? Paging);

internal sealed record CursorPaging([property: JsonPropertyName("next")] CursorNext? Next);

internal sealed record CursorNext([property: JsonPropertyName("after")] string After);

internal sealed record HubSpotError([property: JsonPropertyName("policyName")] string? PolicyName);

internal sealed record TaggedPage(
    [property: JsonPropertyName("before")] string? Before,
    [property: JsonPropertyName("rows")] IReadOnlyList<TaggedRow>? Rows,
    [property: JsonPropertyName("after")] TaggedPaging? After);

internal sealed record TaggedRow([property: JsonPropertyName("id")] int Id, [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags);

internal sealed record TaggedPaging([property: JsonPropertyName("next")] string? Next, [property: JsonPropertyName("counts")] IReadOnlyList<int>? Counts);

[JsonSerializable(typeof(ItemsPage))]
[JsonSerializable(typeof(TaggedPage))]
[JsonSerializable(typeof(CursorPage))]
[JsonSerializable(typeof(HubSpotError))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
