using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.HubSpot;

/// <summary>Configuration section <c>Sources:HubSpot</c>: one entry per HubSpot portal (account).</summary>
public sealed partial class HubSpotOptions : ISourceOptions
{
    /// <summary>HubSpot's page maxima: 100 for object lists, 200 for search, 1000 ids per association batch read.</summary>
    public const int MaxPageSize = 100, MaxSearchPageSize = 200, MaxAssociationBatchSize = 1000;

    /// <summary>API root; null for <c>https://api.hubapi.com/</c> (the sandbox sets <c>{base}/hubspot/</c>).</summary>
    public Uri? BaseUrl { get; set; }

    public List<HubSpotAccountOptions> Accounts { get; set; } = [];

    /// <summary><c>limit</c> of object list pages (first run and archived records), 1–100.</summary>
    public int PageSize { get; set; } = MaxPageSize;

    /// <summary><c>limit</c> of search pages (later runs), 1–200.</summary>
    public int SearchPageSize { get; set; } = MaxSearchPageSize;

    /// <summary>Deal ids per v4 association batch read, 1–1000.</summary>
    public int AssociationBatchSize { get; set; } = 500;

    /// <summary>
    /// Associations of deals modified in the last this many days are read again on every run (an association
    /// change does not bump a deal's modified date). 0–365.
    /// </summary>
    public int AssociationRefreshDays { get; set; } = 30;

    /// <summary>Later runs search from the committed cursor minus this overlap (HubSpot's search index lags). 0–24 h.</summary>
    public TimeSpan IncrementalOverlap { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Extra contact properties (internal names); each lands as a text column of the same name.</summary>
    public List<string> ContactProperties { get; set; } = [];

    /// <summary>Extra company properties (internal names); each lands as a text column of the same name.</summary>
    public List<string> CompanyProperties { get; set; } = [];

    /// <summary>Extra deal properties (internal names); each lands as a text column of the same name.</summary>
    public List<string> DealProperties { get; set; } = [];

    /// <summary>Wait after a 429 <c>TEN_SECONDLY_ROLLING</c> without Retry-After (the rolling window). Tests set milliseconds.</summary>
    public TimeSpan RollingWindowWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait after a 429 <c>SECONDLY</c> (search per-second limit).</summary>
    public TimeSpan SecondlyWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First backoff step after a 5xx, dropped connection or truncated body; later steps grow exponentially.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts per request including the first.</summary>
    public int MaxAttempts { get; set; } = 5;

    public IEnumerable<OptionProblem> Validate()
    {
        if (BaseUrl is { IsAbsoluteUri: false })
        {
            yield return new("BaseUrl", $"'{BaseUrl}' must be an absolute URL");
        }

        var fingerprints = new Dictionary<string, int>(StringComparer.Ordinal);
        var portals = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Accounts.Count; i++)
        {
            var a = Accounts[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"Accounts:{i}:");
            var hasToken = !string.IsNullOrWhiteSpace(a.AccessToken);
            var oauth = a.OAuth;
            if (hasToken == (oauth is not null))
            {
                yield return new(at + "AccessToken", "give exactly one of AccessToken (private app) or OAuth (ClientId, ClientSecret, RefreshToken)");
                continue;
            }

            if (oauth is not null)
            {
                if (string.IsNullOrWhiteSpace(oauth.ClientId) || string.IsNullOrWhiteSpace(oauth.ClientSecret) || string.IsNullOrWhiteSpace(oauth.RefreshToken))
                {
                    yield return new(at + "OAuth", "needs ClientId, ClientSecret and RefreshToken");
                    continue;
                }

                if (oauth.TokenUrl is { IsAbsoluteUri: false })
                {
                    yield return new(at + "OAuth:TokenUrl", $"'{oauth.TokenUrl}' must be an absolute URL");
                }
            }

            var fingerprint = a.Fingerprint();
            if (fingerprints.TryGetValue(fingerprint, out var first))
            {
                yield return new(at + (hasToken ? "AccessToken" : "OAuth"), string.Create(CultureInfo.InvariantCulture, $"the same credential as Accounts:{first}"));
            }
            else
            {
                fingerprints[fingerprint] = i;
            }

            if (a.PortalId is { } portal)
            {
                if (!PortalIdPattern().IsMatch(portal))
                {
                    yield return new(at + "PortalId", "must be the numeric HubSpot portal (hub) id");
                }
                else if (portals.TryGetValue(portal, out var other))
                {
                    yield return new(at + "PortalId", string.Create(CultureInfo.InvariantCulture, $"'{portal}' is already the PortalId of Accounts:{other}"));
                }
                else
                {
                    portals[portal] = i;
                }
            }

            if (a.RequestsPerTenSeconds is < 1 or > 1000)
            {
                yield return new(at + "RequestsPerTenSeconds", string.Create(CultureInfo.InvariantCulture, $"{a.RequestsPerTenSeconds} is outside 1..1000 (HubSpot: 100 on Free/Starter, 190 on Professional/Enterprise)"));
            }

            if (a.SearchRequestsPerSecond is < 1 or > 100)
            {
                yield return new(at + "SearchRequestsPerSecond", string.Create(CultureInfo.InvariantCulture, $"{a.SearchRequestsPerSecond} is outside 1..100 (HubSpot search allows 5 per second)"));
            }

            if (!string.IsNullOrWhiteSpace(a.TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(a.TimeZone, out _))
            {
                yield return new(at + "TimeZone", $"unknown time zone '{a.TimeZone}'");
            }
        }

        foreach (var problem in CheckProperties("ContactProperties", ContactProperties, HubSpotStreams.ContactColumns)
                     .Concat(CheckProperties("CompanyProperties", CompanyProperties, HubSpotStreams.CompanyColumns))
                     .Concat(CheckProperties("DealProperties", DealProperties, HubSpotStreams.DealColumns)))
        {
            yield return problem;
        }

        if (PageSize is < 1 or > MaxPageSize)
        {
            yield return new("PageSize", string.Create(CultureInfo.InvariantCulture, $"{PageSize} is outside 1..{MaxPageSize}"));
        }

        if (SearchPageSize is < 1 or > MaxSearchPageSize)
        {
            yield return new("SearchPageSize", string.Create(CultureInfo.InvariantCulture, $"{SearchPageSize} is outside 1..{MaxSearchPageSize}"));
        }

        if (AssociationBatchSize is < 1 or > MaxAssociationBatchSize)
        {
            yield return new("AssociationBatchSize", string.Create(CultureInfo.InvariantCulture, $"{AssociationBatchSize} is outside 1..{MaxAssociationBatchSize}"));
        }

        if (AssociationRefreshDays is < 0 or > 365)
        {
            yield return new("AssociationRefreshDays", string.Create(CultureInfo.InvariantCulture, $"{AssociationRefreshDays} is outside 0..365"));
        }

        if (IncrementalOverlap < TimeSpan.Zero || IncrementalOverlap > TimeSpan.FromHours(24))
        {
            yield return new("IncrementalOverlap", $"{IncrementalOverlap} is outside 00:00:00..1.00:00:00");
        }

        foreach (var (name, value) in new[] { ("RollingWindowWait", RollingWindowWait), ("SecondlyWait", SecondlyWait), ("RetryBaseDelay", RetryBaseDelay) })
        {
            if (value < TimeSpan.Zero || value > TimeSpan.FromMinutes(1))
            {
                yield return new(name, $"{value} is outside 00:00:00..00:01:00");
            }
        }

        if (MaxAttempts is < 1 or > 10)
        {
            yield return new("MaxAttempts", string.Create(CultureInfo.InvariantCulture, $"{MaxAttempts} is outside 1..10"));
        }
    }

    /// <summary>The API root with a trailing slash.</summary>
    public Uri ResolveBaseUrl()
    {
        var url = BaseUrl ?? new Uri("https://api.hubapi.com/");
        return url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
    }

    /// <summary>Extra properties must be valid column names, not clash with standard columns and never carry an address.</summary>
    private static IEnumerable<OptionProblem> CheckProperties(string key, List<string> names, IReadOnlyCollection<string> standard)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"{key}:{i}");
            if (name is null || !PropertyPattern().IsMatch(name))
            {
                yield return new(at, $"'{name}' is not a HubSpot internal property name (lower case letters, digits and _; starting with a letter)");
            }
            else if (IsEmailProperty(name))
            {
                yield return new(at, $"'{name}' holds email addresses, which never enter the warehouse (contacts carry email_sha256)");
            }
            else if (standard.Contains(name) || HubSpotStreams.MetadataColumns.Contains(name))
            {
                yield return new(at, $"'{name}' is already a standard column of the stream");
            }
            else if (!seen.Add(name))
            {
                yield return new(at, $"'{name}' is listed twice");
            }
        }
    }

    internal static bool IsEmailProperty(string name) =>
        name.EndsWith("email", StringComparison.Ordinal) || name.EndsWith("emails", StringComparison.Ordinal);

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$")]
    private static partial Regex PropertyPattern();

    [GeneratedRegex("^[0-9]{1,20}$")]
    private static partial Regex PortalIdPattern();
}

/// <summary>One HubSpot portal: a private-app token or an OAuth grant.</summary>
public sealed class HubSpotAccountOptions
{
    /// <summary>A label for logs and errors (never the token).</summary>
    public string? Name { get; set; }

    /// <summary>Private-app access token (<c>pat-…</c>). A secret (config or environment).</summary>
    public string? AccessToken { get; set; }

    /// <summary>OAuth app grant; access tokens (30 minutes) are refreshed before they expire and after a 401.</summary>
    public HubSpotOAuthOptions? OAuth { get; set; }

    /// <summary>
    /// What lands in <c>_account_id</c>: the portal (hub) id. When empty it is read from
    /// <c>GET /account-info/v3/details</c>.
    /// </summary>
    public string? PortalId { get; set; }

    /// <summary>Burst limit of the portal's apps (100 per 10 s on Free/Starter, 190 on Professional/Enterprise).</summary>
    public int RequestsPerTenSeconds { get; set; } = 100;

    /// <summary>CRM search requests per second (HubSpot allows 5; one is kept in reserve).</summary>
    public int SearchRequestsPerSecond { get; set; } = 4;

    /// <summary>Time zone of "today"; the portal's own (account-info) or UTC when empty.</summary>
    public string? TimeZone { get; set; }

    /// <summary>A short, non-reversible id of the credential (first 8 hex digits of its SHA-256): stable, safe to log.</summary>
    internal string Fingerprint()
    {
        var secret = (AccessToken ?? OAuth?.RefreshToken ?? "").Trim();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..8];
    }

    internal string Describe() =>
        Name is { Length: > 0 } name ? $"portal '{name}'"
        : PortalId is { Length: > 0 } portal ? $"portal {portal}"
        : !string.IsNullOrWhiteSpace(AccessToken) ? $"portal with private-app token ({Fingerprint()})"
        : $"portal with OAuth grant ({Fingerprint()})";

    /// <summary>Keeps the credential out of logs that print options.</summary>
    public override string ToString() => $"HubSpotAccountOptions({Describe()})";
}

/// <summary>An OAuth app's client credentials and the portal's refresh token.</summary>
public sealed class HubSpotOAuthOptions
{
    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    public string? RefreshToken { get; set; }

    /// <summary>Null for <c>https://api.hubapi.com/oauth/v1/token</c>.</summary>
    public Uri? TokenUrl { get; set; }

    public override string ToString() => $"HubSpotOAuthOptions(client {ClientId})";
}
