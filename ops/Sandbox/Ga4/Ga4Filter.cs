using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipeline.Sandbox.Ga4;

/// <summary>
/// A runReport <c>dimensionFilter</c> (FilterExpression): andGroup, orGroup, notExpression and filter with a
/// stringFilter or inListFilter. It is applied to every fact before grouping, so a filter may name a dimension the
/// report does not return, as in GA4. numericFilter, betweenFilter and emptyFilter are refused.
/// </summary>
internal abstract class Ga4Filter
{
    private static readonly string[] MatchTypes = ["MATCH_TYPE_UNSPECIFIED", "EXACT", "BEGINS_WITH", "ENDS_WITH", "CONTAINS", "FULL_REGEXP", "PARTIAL_REGEXP"];

    public abstract bool Matches(Ga4Fact fact);

    /// <summary>Every dimension the filter reads (to check compatibility with the cost metrics).</summary>
    public abstract IEnumerable<Ga4Schema.Dimension> Fields { get; }

    /// <summary>Parses a FilterExpression or returns the INVALID_ARGUMENT message.</summary>
    public static (Ga4Filter? Filter, string? Error) Parse(JsonNode? node, bool adsLinked)
    {
        if (node is not JsonObject o || o.Count != 1)
        {
            return (null, "Invalid FilterExpression: exactly one of andGroup, orGroup, notExpression or filter must be set.");
        }

        var (key, value) = o.First();
        switch (key)
        {
            case "andGroup":
            case "orGroup":
                var parts = new List<Ga4Filter>();
                foreach (var child in value?["expressions"] as JsonArray ?? [])
                {
                    var (filter, error) = Parse(child, adsLinked);
                    if (filter is null)
                    {
                        return (null, error);
                    }

                    parts.Add(filter);
                }

                return (new Group(parts, key == "andGroup"), null);
            case "notExpression":
                var (inner, innerError) = Parse(value, adsLinked);
                return inner is null ? (null, innerError) : (new Not(inner), null);
            case "filter":
                return ParseLeaf(value as JsonObject, adsLinked);
            default:
                return (null, $"Invalid JSON payload received. Unknown name \"{key}\" at 'dimension_filter': Cannot find field.");
        }
    }

    private static (Ga4Filter?, string?) ParseLeaf(JsonObject? o, bool adsLinked)
    {
        var name = o?["fieldName"]?.GetValue<string>() ?? "";
        if (Ga4Schema.FindDimension(name, adsLinked) is not { } dimension)
        {
            return (null, $"Field {name} is not a valid dimension. For a list of valid dimensions and metrics, see https://developers.google.com/analytics/devguides/reporting/data/v1/api-schema");
        }

        foreach (var (key, value) in o!)
        {
            switch (key)
            {
                case "fieldName":
                    continue;
                case "stringFilter":
                    var matchType = EnumOf(value?["matchType"], MatchTypes);
                    if (matchType is null)
                    {
                        return (null, $"Invalid value at 'dimension_filter.filter.string_filter.match_type': {value?["matchType"]?.ToJsonString()}");
                    }

                    var text = value?["value"]?.GetValue<string>() ?? "";
                    var caseSensitive = value?["caseSensitive"]?.GetValue<bool>() ?? false;
                    if (matchType.EndsWith("REGEXP", StringComparison.Ordinal) && !ValidRegex(text))
                    {
                        return (null, $"Invalid regular expression: {text}");
                    }

                    return (new StringMatch(dimension, matchType, text, caseSensitive), null);
                case "inListFilter":
                    var values = (value?["values"] as JsonArray ?? []).Select(v => v?.GetValue<string>() ?? "").ToList();
                    return (new InList(dimension, values, value?["caseSensitive"]?.GetValue<bool>() ?? false), null);
                case "numericFilter" or "betweenFilter" or "emptyFilter":
                    return (null, $"{key} on a dimension is not emulated by the sandbox; use stringFilter or inListFilter.");
                default:
                    return (null, $"Invalid JSON payload received. Unknown name \"{key}\" at 'dimension_filter.filter': Cannot find field.");
            }
        }

        return (null, "Invalid Filter: one of stringFilter, inListFilter, numericFilter, betweenFilter or emptyFilter must be set.");
    }

    /// <summary>An enum given by name or (as clients with enum-encoding=int send it) by number; null when unknown.</summary>
    public static string? EnumOf(JsonNode? node, string[] names) => node switch
    {
        null => names[0],
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.GetValue<int>() is var n && n >= 0 && n < names.Length => names[n],
        JsonValue v when v.GetValueKind() == JsonValueKind.String && names.Contains(v.GetValue<string>(), StringComparer.Ordinal) => v.GetValue<string>(),
        _ => null,
    };

    private static bool ValidRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private sealed class Group(List<Ga4Filter> parts, bool all) : Ga4Filter
    {
        public override bool Matches(Ga4Fact fact) => all ? parts.All(p => p.Matches(fact)) : parts.Any(p => p.Matches(fact));

        public override IEnumerable<Ga4Schema.Dimension> Fields => parts.SelectMany(p => p.Fields);
    }

    private sealed class Not(Ga4Filter inner) : Ga4Filter
    {
        public override bool Matches(Ga4Fact fact) => !inner.Matches(fact);

        public override IEnumerable<Ga4Schema.Dimension> Fields => inner.Fields;
    }

    private sealed class StringMatch(Ga4Schema.Dimension dimension, string matchType, string value, bool caseSensitive) : Ga4Filter
    {
        private readonly StringComparison comparison = caseSensitive ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

        // GA4's regular expressions are RE2; the common subset behaves the same in .NET.
        private readonly Regex? regex = matchType.EndsWith("REGEXP", StringComparison.Ordinal)
            ? new Regex(matchType == "FULL_REGEXP" ? $"^(?:{value})$" : value, (caseSensitive ? RegexOptions.None : RegexOptions.IgnoreCase) | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
            : null;

        public override bool Matches(Ga4Fact fact)
        {
            var actual = dimension.Value(fact);
            return matchType switch
            {
                "BEGINS_WITH" => actual.StartsWith(value, comparison),
                "ENDS_WITH" => actual.EndsWith(value, comparison),
                "CONTAINS" => actual.Contains(value, comparison),
                "FULL_REGEXP" or "PARTIAL_REGEXP" => regex!.IsMatch(actual),
                _ => string.Equals(actual, value, comparison), // EXACT and unspecified
            };
        }

        public override IEnumerable<Ga4Schema.Dimension> Fields => [dimension];
    }

    private sealed class InList(Ga4Schema.Dimension dimension, List<string> values, bool caseSensitive) : Ga4Filter
    {
        private readonly HashSet<string> set = new(values, caseSensitive ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);

        public override bool Matches(Ga4Fact fact) => set.Contains(dimension.Value(fact));

        public override IEnumerable<Ga4Schema.Dimension> Fields => [dimension];
    }
}
