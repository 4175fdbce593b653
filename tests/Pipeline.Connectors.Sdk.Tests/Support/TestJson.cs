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

[JsonSerializable(typeof(ItemsPage))]
[JsonSerializable(typeof(CursorPage))]
[JsonSerializable(typeof(HubSpotError))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
