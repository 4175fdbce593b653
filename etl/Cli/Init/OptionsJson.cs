using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Pipeline.Cli.Init;

/// <summary>
/// An options object as the configuration keys that differ from a fresh instance of its type: what a module's demo
/// wiring sets (base URLs, credentials, ids), not the dozens of defaults the binder fills in anyway. Values are
/// written the way the configuration binder reads them back (invariant numbers, <c>c</c> time spans, absolute URLs).
/// </summary>
internal static class OptionsJson
{
    public static JsonObject Changed(object options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ChangedFrom(options, Activator.CreateInstance(options.GetType())!);
    }

    private static JsonObject ChangedFrom(object value, object defaults)
    {
        var result = new JsonObject();
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // Only what the binder can set: the configuration schema is the settable public properties.
            if (property.GetIndexParameters().Length > 0 || property.SetMethod is not { IsPublic: true } || property.GetMethod is not { IsPublic: true })
            {
                continue;
            }

            var node = ToNode(property.GetValue(value));
            var fallback = ToNode(property.GetValue(defaults));
            if (node is not null && !JsonNode.DeepEquals(node, fallback))
            {
                result[property.Name] = node;
            }
        }

        return result;
    }

    private static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int or long or short or decimal or double or float => JsonValue.Create(Convert.ToDecimal(value, CultureInfo.InvariantCulture)),
        TimeSpan t => JsonValue.Create(t.ToString("c", CultureInfo.InvariantCulture)),
        DateOnly d => JsonValue.Create(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        Uri u => JsonValue.Create(u.ToString()),
        Enum e => JsonValue.Create(e.ToString()),
        IEnumerable list => new JsonArray([.. list.Cast<object?>().Select(ToNode)]),
        _ => ChangedFrom(value, Activator.CreateInstance(value.GetType())!),
    };
}
