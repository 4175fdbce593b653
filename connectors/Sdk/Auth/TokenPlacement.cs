namespace Pipeline.Connectors.Auth;

/// <summary>Where a source wants its credential.</summary>
public sealed record TokenPlacement
{
    private TokenPlacement(TokenPlacementKind kind, string? name)
    {
        Kind = kind;
        Name = name;
    }

    public TokenPlacementKind Kind { get; }

    /// <summary>Basic: the user name; Query: the parameter name.</summary>
    public string? Name { get; }

    /// <summary><c>Authorization: Bearer {token}</c> (HubSpot, GA4).</summary>
    public static TokenPlacement Bearer { get; } = new(TokenPlacementKind.Bearer, null);

    /// <summary>
    /// <c>Authorization: Basic base64(user:token)</c>, the token as the password (Mailchimp accepts any user name).
    /// </summary>
    public static TokenPlacement Basic(string userName = "pipeline") => new(TokenPlacementKind.Basic, userName);

    /// <summary>A query parameter, e.g. Meta's <c>access_token</c>.</summary>
    public static TokenPlacement Query(string parameterName = "access_token")
    {
        ArgumentException.ThrowIfNullOrEmpty(parameterName);
        return new(TokenPlacementKind.Query, parameterName);
    }
}

public enum TokenPlacementKind
{
    Bearer,
    Basic,
    Query,
}
