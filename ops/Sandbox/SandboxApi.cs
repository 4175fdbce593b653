namespace Pipeline.Sandbox;

/// <summary>The emulated services, each under its own path prefix.</summary>
public enum SandboxApi
{
    /// <summary>GA4 Data API under /ga4/.</summary>
    Ga4,

    /// <summary>Google's OAuth token endpoint under /google/token.</summary>
    GoogleOAuth,

    /// <summary>Meta Graph API under /meta/v{major}.{minor}/.</summary>
    Meta,

    /// <summary>Mailchimp Marketing API under /mailchimp/3.0/.</summary>
    Mailchimp,

    /// <summary>HubSpot CRM under /hubspot/.</summary>
    HubSpot,

    /// <summary>Pipedrive API v2 under /pipedrive/.</summary>
    Pipedrive,
}
