namespace Pipeline.Sandbox.Mailchimp;

/// <summary>
/// The query parameters each emulated route implements, with the values it implements for those that take one of
/// a few words. The real API has many more (filters, sorts, types); the sandbox answers one it does not emulate with
/// Mailchimp's 400 problem document rather than ignoring it and serving something the real API would not.
/// </summary>
internal sealed class QueryParameters
{
    private readonly Dictionary<string, string[]?> accepted;

    private QueryParameters(QueryParameters? parent, params (string Name, string[]? Values)[] own)
    {
        accepted = parent is null ? new(StringComparer.Ordinal) : new(parent.accepted, StringComparer.Ordinal);
        foreach (var (name, values) in own)
        {
            accepted[name] = values;
        }
    }

    /// <summary>Every route trims its response.</summary>
    public static QueryParameters Object { get; } = new(null, ("fields", null), ("exclude_fields", null));

    /// <summary>Collections page by offset and count.</summary>
    public static QueryParameters Collection { get; } = new(Object, ("offset", null), ("count", null));

    public static QueryParameters Members { get; } = new(
        Collection, ("status", ["subscribed", "unsubscribed", "cleaned", "pending", "transactional", "archived"]), ("since_last_changed", null), ("before_last_changed", null));

    public static QueryParameters Campaigns { get; } = new(
        Collection,
        ("status", ["save", "paused", "schedule", "sending", "sent"]),
        ("list_id", null),
        ("since_send_time", null),
        ("before_send_time", null),
        ("since_create_time", null),
        ("before_create_time", null),
        ("sort_field", ["create_time", "send_time"]),
        ("sort_dir", ["ASC", "DESC"]));

    public static QueryParameters Reports { get; } = new(Collection, ("since_send_time", null), ("before_send_time", null));

    /// <summary>The first parameter of the request the route does not implement (name and why), or null when all are.</summary>
    public (string Name, string Message)? FirstUnsupported(HttpContext ctx)
    {
        foreach (var (name, value) in ctx.Request.Query)
        {
            if (!accepted.TryGetValue(name, out var values))
            {
                return (name, $"The query parameter '{name}' is not supported by this endpoint (the sandbox does not emulate it).");
            }

            if (values is not null && !values.Contains(value.ToString(), StringComparer.OrdinalIgnoreCase))
            {
                return (name, $"Data presented is not one of the accepted values: {string.Join(", ", values)}.");
            }
        }

        return null;
    }
}
