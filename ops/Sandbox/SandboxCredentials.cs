namespace Pipeline.Sandbox;

/// <summary>Sandbox-only fake credentials; they open nothing but the sandbox.</summary>
public sealed record SandboxCredentials
{
    public required string Ga4PropertyId { get; init; }

    /// <summary>A service-account JSON key whose token_uri points at the sandbox token endpoint.</summary>
    public required string GoogleServiceAccountKeyJson { get; init; }

    public required string GoogleServiceAccountEmail { get; init; }
    public required Uri GoogleTokenUri { get; init; }

    /// <summary>For the OAuth refresh-token flow (grant_type=refresh_token).</summary>
    public required string GoogleClientId { get; init; }

    public required string GoogleClientSecret { get; init; }
    public required string GoogleRefreshToken { get; init; }

    public required string MetaAccessToken { get; init; }

    /// <summary>Numeric ad account ids (path segment is act_{id}).</summary>
    public required IReadOnlyList<string> MetaAdAccountIds { get; init; }

    /// <summary>Valid Mailchimp API keys (&lt;hex&gt;-us21); each has its own concurrency budget.</summary>
    public required IReadOnlyList<string> MailchimpApiKeys { get; init; }

    public string MailchimpApiKey => MailchimpApiKeys[0];

    /// <summary>Mailchimp list ids, for convenience.</summary>
    public required IReadOnlyList<string> MailchimpListIds { get; init; }

    public required string HubSpotAccessToken { get; init; }

    /// <summary>The portal (hub) id the HubSpot token belongs to, as <c>GET /account-info/v3/details</c> reports it.</summary>
    public required string HubSpotPortalId { get; init; }

    /// <summary>The agency's client accounts (<see cref="SandboxOptions.Agency"/>); empty by default.</summary>
    public IReadOnlyList<SandboxClientCredentials> Clients { get; init; } = [];

    /// <summary>The Pipedrive API token (sent as <c>x-api-token</c> or <c>api_token</c>).</summary>
    public string PipedriveApiToken { get; init; } = World.PipedriveWorld.ApiToken;
}

/// <summary>One agency client's accounts; a platform the client does not use is null.</summary>
public sealed record SandboxClientCredentials(int Index, string? Ga4PropertyId, string? MetaAdAccountId, string? MailchimpApiKey, string? HubSpotAccessToken, string? HubSpotPortalId);
