using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Mailchimp;

/// <summary>Configuration section <c>Sources:Mailchimp</c>: one entry per Mailchimp account.</summary>
public sealed partial class MailchimpOptions : ISourceOptions
{
    /// <summary>Mailchimp serves at most this many items per page and this many simultaneous connections per user.</summary>
    public const int MaxPageSize = 1000, MaxConnections = 10;

    /// <summary>The activity endpoint serves the last 180 days; windows stay a day inside that so no served day is ever wiped.</summary>
    public const int ActivityHistoryDays = 178;

    /// <summary>
    /// API root for every account (the sandbox sets it). Null: each account's datacenter decides,
    /// <c>https://{dc}.api.mailchimp.com/3.0/</c>.
    /// </summary>
    public Uri? BaseUrl { get; set; }

    public List<MailchimpAccountOptions> Accounts { get; set; } = [];

    /// <summary>Items per page (<c>count</c>); Mailchimp's maximum is 1000.</summary>
    public int PageSize { get; set; } = MaxPageSize;

    /// <summary>
    /// Campaigns sent in the last this many days have their report (and unsubscribes) read again on every run, because
    /// late opens and clicks keep arriving. 0–365.
    /// </summary>
    public int ReportRereadDays { get; set; } = 30;

    /// <summary>Days of <c>list_activity_daily</c> already loaded that every run reads again (opens keep accruing). 0–178.</summary>
    public int ActivityLookbackDays { get; set; } = 30;

    /// <summary>
    /// First backoff step after a 429, 5xx, dropped connection, truncated body or a 401 on a key that worked before;
    /// later steps grow exponentially. Tests set it to milliseconds.
    /// </summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts per request including the first (429 and 5xx).</summary>
    public int MaxAttempts { get; set; } = 5;

    public IEnumerable<OptionProblem> Validate()
    {
        if (BaseUrl is { IsAbsoluteUri: false })
        {
            yield return new("BaseUrl", $"'{BaseUrl}' must be an absolute URL");
        }

        var fingerprints = new Dictionary<string, int>(StringComparer.Ordinal);
        var accountIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Accounts.Count; i++)
        {
            var a = Accounts[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"Accounts:{i}:");
            var hasKey = !string.IsNullOrWhiteSpace(a.ApiKey);
            var hasToken = !string.IsNullOrWhiteSpace(a.AccessToken);
            if (hasKey == hasToken)
            {
                yield return new(at + "ApiKey", "give exactly one of ApiKey or AccessToken (OAuth, with DataCenter)");
                continue;
            }

            if (hasKey && MailchimpAccountOptions.DataCenterOfKey(a.ApiKey!) is null)
            {
                // The message never repeats the key: it is a secret.
                yield return new(at + "ApiKey", "is not a Mailchimp API key: it must end with the datacenter, as in '<key>-us21'");
                continue;
            }

            if (hasKey && a.DataCenter is { Length: > 0 } dc && !string.Equals(dc, MailchimpAccountOptions.DataCenterOfKey(a.ApiKey!), StringComparison.Ordinal))
            {
                yield return new(at + "DataCenter", $"'{dc}' differs from the datacenter the API key names ('{MailchimpAccountOptions.DataCenterOfKey(a.ApiKey!)}'); leave it empty");
            }

            if (hasToken && (a.DataCenter is null || !DataCenterPattern().IsMatch(a.DataCenter)))
            {
                yield return new(at + "DataCenter", "an OAuth AccessToken needs the account's DataCenter (e.g. 'us21', the 'dc' of the OAuth metadata endpoint)");
            }

            var fingerprint = a.Fingerprint();
            if (fingerprints.TryGetValue(fingerprint, out var first))
            {
                yield return new(at + (hasKey ? "ApiKey" : "AccessToken"), string.Create(CultureInfo.InvariantCulture, $"the same credential as Accounts:{first}"));
            }
            else
            {
                fingerprints[fingerprint] = i;
            }

            if (a.AccountId is { } id)
            {
                if (string.IsNullOrWhiteSpace(id) || id.Length > 100)
                {
                    yield return new(at + "AccountId", "must be 1 to 100 characters when given");
                }
                else if (accountIds.TryGetValue(id, out var other))
                {
                    yield return new(at + "AccountId", string.Create(CultureInfo.InvariantCulture, $"'{id}' is already the AccountId of Accounts:{other}"));
                }
                else
                {
                    accountIds[id] = i;
                }
            }

            if (a.MaxConcurrentRequests is < 1 or > MaxConnections)
            {
                yield return new(at + "MaxConcurrentRequests", string.Create(CultureInfo.InvariantCulture, $"{a.MaxConcurrentRequests} is outside 1..{MaxConnections} (Mailchimp allows 10 simultaneous connections per user)"));
            }

            if (!string.IsNullOrWhiteSpace(a.TimeZone) && !TimeZoneInfo.TryFindSystemTimeZoneById(a.TimeZone, out _))
            {
                yield return new(at + "TimeZone", $"unknown time zone '{a.TimeZone}'");
            }
        }

        if (PageSize is < 1 or > MaxPageSize)
        {
            yield return new("PageSize", string.Create(CultureInfo.InvariantCulture, $"{PageSize} is outside 1..{MaxPageSize}"));
        }

        if (ReportRereadDays is < 0 or > 365)
        {
            yield return new("ReportRereadDays", string.Create(CultureInfo.InvariantCulture, $"{ReportRereadDays} is outside 0..365"));
        }

        if (ActivityLookbackDays is < 0 or > ActivityHistoryDays)
        {
            yield return new("ActivityLookbackDays", string.Create(CultureInfo.InvariantCulture, $"{ActivityLookbackDays} is outside 0..{ActivityHistoryDays}"));
        }

        if (RetryBaseDelay < TimeSpan.Zero || RetryBaseDelay > TimeSpan.FromMinutes(1))
        {
            yield return new("RetryBaseDelay", $"{RetryBaseDelay} is outside 00:00:00..00:01:00");
        }

        if (MaxAttempts is < 1 or > 10)
        {
            yield return new("MaxAttempts", string.Create(CultureInfo.InvariantCulture, $"{MaxAttempts} is outside 1..10"));
        }
    }

    /// <summary>The API root of an account: <see cref="BaseUrl"/> when set, else its datacenter's.</summary>
    public Uri ResolveBaseUrl(MailchimpAccountOptions account)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (BaseUrl is { } set)
        {
            return set.AbsoluteUri.EndsWith('/') ? set : new Uri(set.AbsoluteUri + "/");
        }

        var dc = account.ResolveDataCenter()
            ?? throw new MailchimpConfigException($"Mailchimp {account.Describe()}: no datacenter (the API key must end with '-<dc>', or give DataCenter with an AccessToken)");
        return new Uri($"https://{dc}.api.mailchimp.com/3.0/");
    }

    [GeneratedRegex("^[a-z]{2,}[0-9]+$")]
    internal static partial Regex DataCenterPattern();
}

/// <summary>One Mailchimp account (user): an API key, or an OAuth access token plus its datacenter.</summary>
public sealed class MailchimpAccountOptions
{
    /// <summary>A label for logs and errors (never the key); defaults to the masked key.</summary>
    public string? Name { get; set; }

    /// <summary>API key <c>&lt;hex&gt;-&lt;dc&gt;</c>; the datacenter is its suffix. A secret (config or environment).</summary>
    public string? ApiKey { get; set; }

    /// <summary>OAuth 2 access token (Mailchimp's do not expire); needs <see cref="DataCenter"/>. A secret.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Datacenter, e.g. <c>us21</c>; derived from the API key when empty.</summary>
    public string? DataCenter { get; set; }

    /// <summary>
    /// What lands in <c>_account_id</c>. Default: <c>{dc}:{account_id}</c> with the account id from <c>GET /</c>
    /// (or just the datacenter when the API does not say).
    /// </summary>
    public string? AccountId { get; set; }

    /// <summary>Simultaneous requests to this account (Mailchimp allows 10 per user; lower it when other tools share the account).</summary>
    public int MaxConcurrentRequests { get; set; } = MailchimpOptions.MaxConnections;

    /// <summary>Time zone of report days and "today"; the account's own (<c>account_timezone</c>) when empty.</summary>
    public string? TimeZone { get; set; }

    /// <summary>The datacenter suffix of an API key (<c>…-us21</c> → <c>us21</c>), or null when it has none.</summary>
    public static string? DataCenterOfKey(string apiKey)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        var dash = apiKey.LastIndexOf('-');
        if (dash <= 0)
        {
            return null;
        }

        var dc = apiKey[(dash + 1)..].Trim();
        return MailchimpOptions.DataCenterPattern().IsMatch(dc) ? dc : null;
    }

    public string? ResolveDataCenter() =>
        !string.IsNullOrWhiteSpace(ApiKey) ? DataCenterOfKey(ApiKey) : string.IsNullOrWhiteSpace(DataCenter) ? null : DataCenter;

    /// <summary>The credential sent on every request.</summary>
    internal string Credential =>
        (!string.IsNullOrWhiteSpace(ApiKey) ? ApiKey : AccessToken)?.Trim()
        ?? throw new MailchimpConfigException($"Mailchimp {Describe()}: give ApiKey or AccessToken");

    internal bool UsesApiKey => !string.IsNullOrWhiteSpace(ApiKey);

    /// <summary>A short, non-reversible id of the credential (first 8 hex digits of its SHA-256): stable, safe to log.</summary>
    internal string Fingerprint()
    {
        var secret = (ApiKey ?? AccessToken ?? "").Trim();
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..8];
    }

    /// <summary>How errors name the account: its Name, else the masked credential.</summary>
    internal string Describe() =>
        Name is { Length: > 0 } name ? $"account '{name}'"
        : UsesApiKey ? $"account with API key ****-{DataCenterOfKey(ApiKey!) ?? "?"} ({Fingerprint()})"
        : $"account with OAuth token ({Fingerprint()}) in {DataCenter}";

    /// <summary>Keeps the credential out of logs that print options.</summary>
    public override string ToString() => $"MailchimpAccountOptions({Describe()})";
}
