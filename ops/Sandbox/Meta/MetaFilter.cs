using System.Globalization;
using System.Text.Json;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Meta;

/// <summary>
/// One entry of Graph's <c>filtering</c> parameter, <c>[{"field","operator","value"}]</c>. The sandbox emulates the
/// id filters (<c>campaign.id</c>, <c>adset.id</c>, <c>ad.id</c> with EQUAL, IN, NOT_IN) and, on the campaign, ad
/// set and ad edges, <c>updated_time</c> GREATER_THAN / LESS_THAN (epoch seconds); anything else is refused with
/// Graph's (#100) error rather than answered unfiltered.
/// </summary>
internal sealed record MetaFilter(string Field, string Operator, IReadOnlyList<string> Values)
{
    public static readonly string[] InsightsFields = ["campaign.id", "adset.id", "ad.id"];

    public static readonly string[] EdgeFields = ["campaign.id", "adset.id", "ad.id", "updated_time"];

    public static (IReadOnlyList<MetaFilter> Filters, string? Error) Parse(string? text, IReadOnlyCollection<string> fields)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return ([], null);
        }

        var filters = new List<MetaFilter>();
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                return ([], "param filtering must be an array.");
            }

            foreach (var item in doc.RootElement.EnumerateArray())
            {
                var field = item.TryGetProperty("field", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : null;
                var op = item.TryGetProperty("operator", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()! : null;
                if (field is null || op is null || !item.TryGetProperty("value", out var value))
                {
                    return ([], "param filtering[] requires field, operator and value.");
                }

                if (!fields.Contains(field))
                {
                    return ([], $"Filtering field {field} is invalid. Please use one of: {string.Join(", ", fields)}");
                }

                var ops = field == "updated_time" ? ["GREATER_THAN", "LESS_THAN"] : new[] { "EQUAL", "IN", "NOT_IN" };
                if (!ops.Contains(op))
                {
                    return ([], $"Filtering operator {op} is not supported for field {field}. Please use one of: {string.Join(", ", ops)}");
                }

                IReadOnlyList<string> values = value.ValueKind switch
                {
                    JsonValueKind.Array => value.EnumerateArray().Select(Text).ToList(),
                    _ => [Text(value)],
                };
                if ((op is "IN" or "NOT_IN") != (value.ValueKind == JsonValueKind.Array)
                    || (field == "updated_time" && !long.TryParse(values[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out _)))
                {
                    return ([], $"Filtering value for {field} {op} is not valid.");
                }

                filters.Add(new MetaFilter(field, op, values));
            }
        }
        catch (JsonException)
        {
            return ([], "param filtering must be a JSON array of {field, operator, value}.");
        }

        return (filters, null);
    }

    /// <summary>Whether an ad (and so its rows at any level) passes an id filter.</summary>
    public bool Matches(MetaAd ad) => Matches(Field switch
    {
        "campaign.id" => ad.Campaign.Id,
        "adset.id" => ad.AdSet.Id,
        _ => ad.Id,
    });

    /// <summary>Whether an edge item passes: ids of the item and its parents, or its updated_time.</summary>
    public bool Matches(string? campaignId, string? adSetId, string? adId, DateTimeOffset updated) => Field switch
    {
        "campaign.id" => Matches(campaignId),
        "adset.id" => Matches(adSetId),
        "ad.id" => Matches(adId),
        _ => Operator == "GREATER_THAN"
            ? updated.ToUnixTimeSeconds() > long.Parse(Values[0], CultureInfo.InvariantCulture)
            : updated.ToUnixTimeSeconds() < long.Parse(Values[0], CultureInfo.InvariantCulture),
    };

    private bool Matches(string? id) => Operator switch
    {
        "EQUAL" => id == Values[0],
        "IN" => id is not null && Values.Contains(id),
        _ => id is null || !Values.Contains(id),
    };

    private static string Text(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
}
