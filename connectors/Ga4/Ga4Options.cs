using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Ga4;

/// <summary>Configuration section <c>Sources:Ga4</c>.</summary>
public sealed partial class Ga4Options : ISourceOptions
{
    public const string DefaultBaseUrl = "https://analyticsdata.googleapis.com/";
    public const string DefaultTokenUrl = "https://oauth2.googleapis.com/token";
    public const string DefaultAdminBaseUrl = "https://analyticsadmin.googleapis.com/";

    /// <summary>Data API root; the sandbox replaces it.</summary>
    public Uri BaseUrl { get; set; } = new(DefaultBaseUrl);

    /// <summary>
    /// Admin API root (the property's <c>createTime</c>: where a first backfill starts). Unset: Google's when
    /// <see cref="BaseUrl"/> is Google's, else <see cref="BaseUrl"/> (the sandbox serves both APIs on one root).
    /// </summary>
    public Uri? AdminBaseUrl { get; set; }

    /// <summary>The Admin API root in effect (see <see cref="AdminBaseUrl"/>).</summary>
    public Uri ResolveAdminBaseUrl() =>
        AdminBaseUrl ?? (BaseUrl == new Uri(DefaultBaseUrl) ? new Uri(DefaultAdminBaseUrl) : BaseUrl);

    /// <summary>Google OAuth token endpoint (service-account JWT exchange and refresh tokens).</summary>
    public Uri TokenUrl { get; set; } = new(DefaultTokenUrl);

    public List<Ga4PropertyOptions> Properties { get; set; } = [];

    /// <summary>
    /// How long to wait before retrying after an hourly or per-project quota error (GA4 sends no Retry-After;
    /// those quotas refill continuously within the hour).
    /// </summary>
    public TimeSpan QuotaRetryWait { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Reports beyond the built-in ones; names are validated against the property's metadata first.</summary>
    public List<Ga4CustomReportOptions> CustomReports { get; set; } = [];

    public IEnumerable<OptionProblem> Validate()
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Properties.Count; i++)
        {
            var p = Properties[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"Properties:{i}:");
            if (!NumericId().IsMatch(p.PropertyId))
            {
                yield return new(at + "PropertyId", $"'{p.PropertyId}' is not a numeric GA4 property id (the G-… measurement id will not work)");
            }
            else if (!ids.Add(p.PropertyId))
            {
                yield return new(at + "PropertyId", $"property {p.PropertyId} is configured twice");
            }

            var sources = (string.IsNullOrWhiteSpace(p.ServiceAccountKeyPath) ? 0 : 1) + (string.IsNullOrWhiteSpace(p.ServiceAccountKeyJson) ? 0 : 1)
                + (p.OAuth is null ? 0 : 1);
            if (sources != 1)
            {
                yield return new(at + "ServiceAccountKeyPath", "give exactly one of ServiceAccountKeyPath, ServiceAccountKeyJson or OAuth");
            }

            if (p.OAuth is { } o && (o.ClientId.Length == 0 || o.ClientSecret.Length == 0 || o.RefreshToken.Length == 0))
            {
                yield return new(at + "OAuth", "needs ClientId, ClientSecret and RefreshToken");
            }

            if (p.LookbackDays is < 0 or > 60)
            {
                yield return new(at + "LookbackDays", $"{p.LookbackDays} is outside 0..60");
            }

            if (p.FirstRunDays is < 1 or > 5000)
            {
                yield return new(at + "FirstRunDays", $"{p.FirstRunDays} is outside 1..5000");
            }

            if (p.ChunkDays is < 1 or > 366)
            {
                yield return new(at + "ChunkDays", $"{p.ChunkDays} is outside 1..366");
            }

            if (p.PageSize is < 1 or > 250_000)
            {
                yield return new(at + "PageSize", $"{p.PageSize} is outside 1..250000 (GA4's maximum)");
            }
        }

        if (QuotaRetryWait < TimeSpan.Zero || QuotaRetryWait > TimeSpan.FromMinutes(10))
        {
            yield return new("QuotaRetryWait", $"{QuotaRetryWait} is outside 00:00:00..00:10:00");
        }

        for (var i = 0; i < CustomReports.Count; i++)
        {
            var r = CustomReports[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"CustomReports:{i}:");
            if (!StreamName().IsMatch(r.Name))
            {
                yield return new(at + "Name", $"'{r.Name}' must be lower snake_case");
            }

            if (r.Metrics.Count is 0 or > 10)
            {
                yield return new(at + "Metrics", "a report needs 1 to 10 metrics");
            }

            if (r.Dimensions.Count > 8)
            {
                yield return new(at + "Dimensions", "a report takes at most 9 dimensions, date included");
            }

            // Names become column names and travel in requests: anything but a GA4 API name is refused here,
            // before a staging table is created for it (the metadata check happens only once a sync connects).
            foreach (var (list, key) in new[] { (r.Dimensions, "Dimensions"), (r.Metrics, "Metrics") })
            {
                for (var j = 0; j < list.Count; j++)
                {
                    if (!ApiName().IsMatch(list[j] ?? ""))
                    {
                        yield return new(
                            string.Create(CultureInfo.InvariantCulture, $"{at}{key}:{j}"),
                            $"'{list[j]}' is not a GA4 API name (letters, digits and _, optionally after a scope such as customEvent:)");
                    }
                }
            }
        }
    }

    [GeneratedRegex("^[0-9]+$")]
    private static partial Regex NumericId();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex StreamName();

    /// <summary>GA4 dimension and metric API names: sessionSource, customEvent:achievement_id, customUser:tier.</summary>
    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,99}(:[A-Za-z0-9_]{1,100})?$")]
    private static partial Regex ApiName();
}

public sealed class Ga4PropertyOptions
{
    /// <summary>Numeric GA4 property id (not the G- measurement id).</summary>
    public string PropertyId { get; set; } = "";

    /// <summary>Path of a service-account JSON key file.</summary>
    public string? ServiceAccountKeyPath { get; set; }

    /// <summary>The service-account JSON key itself (e.g. from an environment variable). A secret.</summary>
    public string? ServiceAccountKeyJson { get; set; }

    /// <summary>OAuth client credentials and refresh token, as an alternative to a service account.</summary>
    public Ga4OAuthOptions? OAuth { get; set; }

    /// <summary>Days already loaded that every run reads again (GA4 keeps processing for 24–48 h). 0–60.</summary>
    public int LookbackDays { get; set; } = 3;

    /// <summary>The first run reaches back this many days (default 13 months).</summary>
    public int FirstRunDays { get; set; } = 396;

    /// <summary>Days per committed window.</summary>
    public int ChunkDays { get; set; } = 30;

    /// <summary>
    /// Rows per runReport page (GA4 allows up to 250,000). A page is held whole while it is parsed; 25,000 keeps that
    /// to tens of MB (100,000-row pages measured ~250 MB more peak memory in `make bench` for no gain in speed).
    /// </summary>
    public int PageSize { get; set; } = 25_000;

    /// <summary>Property time zone; read from the first report response when empty.</summary>
    public string? TimeZone { get; set; }
}

public sealed class Ga4OAuthOptions
{
    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    public string RefreshToken { get; set; } = "";
}

public sealed class Ga4CustomReportOptions
{
    /// <summary>Stream name (lower snake_case); lands in <c>staging.ga4_{Name}</c>.</summary>
    public string Name { get; set; } = "";

    public List<string> Dimensions { get; set; } = [];

    public List<string> Metrics { get; set; } = [];
}
