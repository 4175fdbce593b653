namespace Pipeline.Connectors.HubSpot;

/// <summary>HubSpot settings that cannot work (no credential, an unknown property, the same portal twice, …).</summary>
public sealed class HubSpotConfigException : Exception
{
    public HubSpotConfigException(string message) : base(message) { }

    public HubSpotConfigException() { }

    public HubSpotConfigException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>HubSpot refused the credential (401) and a refresh did not help: a revoked private-app token or OAuth grant.</summary>
public sealed class HubSpotAuthException : Exception
{
    public HubSpotAuthException(string message) : base(message) { }

    public HubSpotAuthException() { }

    public HubSpotAuthException(string message, Exception inner) : base(message, inner) { }
}
