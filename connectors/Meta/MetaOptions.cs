using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Meta;

/// <summary>Configuration section <c>Sources:Meta</c>: one access token, any number of ad accounts.</summary>
/// <remarks>
/// List settings are null until configured, so a configured list replaces the defaults instead of being appended
/// to them (the configuration binder appends to a list that already holds items).
/// </remarks>
public sealed partial class MetaOptions : ISourceOptions
{
    public const string DefaultBaseUrl = "https://graph.facebook.com/";
    public const string DefaultApiVersion = "v26.0";

    /// <summary>Meta serves insights for 37 months; the shortest 37 months are 1,123 days, less a day for time zones.</summary>
    public const int MaxHistoryDays = 1122;

    public static readonly IReadOnlyList<string> DefaultActionTypes = ["link_click", "landing_page_view", "lead", "purchase"];
    public static readonly IReadOnlyList<string> DefaultAttributionWindows = ["7d_click", "1d_view"];
    public static readonly IReadOnlyList<string> DefaultBreakdowns = ["country", "device_platform", "publisher_platform"];

    /// <summary>Windows Meta still returns (7d_view and 28d_view stopped on 2026-01-12).</summary>
    public static readonly IReadOnlyList<string> SupportedAttributionWindows = ["1d_click", "7d_click", "28d_click", "1d_view", "1d_ev"];

    public static readonly IReadOnlyList<string> Levels = ["account", "campaign", "adset", "ad"];

    /// <summary>Graph API root; the sandbox replaces it.</summary>
    public Uri BaseUrl { get; set; } = new(DefaultBaseUrl);

    /// <summary>Graph API version path segment, e.g. <c>v26.0</c> (the default: released 2026-07-29, no announced end; v23.0, the earlier default, ended for the Marketing API on 2026-06-09).</summary>
    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>Long-lived user or system-user token with ads_read and read_insights. A secret.</summary>
    public string AccessToken { get; set; } = "";

    /// <summary>Numeric ad account ids (an <c>act_</c> prefix is accepted and dropped).</summary>
    public List<string> AdAccountIds { get; set; } = [];

    /// <summary>Insights level of the daily streams: ad (default), adset, campaign or account.</summary>
    public string Level { get; set; } = "ad";

    /// <summary>Action types flattened into columns (null: link_click, landing_page_view, lead, purchase).</summary>
    public List<string>? ActionTypes { get; set; }

    /// <summary>Attribution windows flattened into columns (null: 7d_click, 1d_view).</summary>
    public List<string>? AttributionWindows { get; set; }

    /// <summary>
    /// One <c>insights_daily_by_…</c> stream per entry; an entry may combine breakdowns with commas
    /// (<c>publisher_platform,platform_position</c>). Null: country, device_platform, publisher_platform;
    /// <c>["none"]</c>: no breakdown streams.
    /// </summary>
    public List<string>? Breakdowns { get; set; }

    /// <summary>Days already loaded that every run reads again: Meta restates conversions for 28 days. 0–28.</summary>
    public int LookbackDays { get; set; } = 28;

    /// <summary>The first run reaches back this many days (at most 37 months).</summary>
    public int FirstRunDays { get; set; } = 396;

    /// <summary>Days per committed window.</summary>
    public int ChunkDays { get; set; } = 30;

    /// <summary>Windows of at most this many days use the synchronous insights endpoint; longer ones an async report run. 0: always async.</summary>
    public int SyncMaxDays { get; set; } = 7;

    /// <summary>Rows per page (insights and entity edges).</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>First wait before polling an async report run; later waits grow by half up to 30 s.</summary>
    public TimeSpan AsyncPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Polling waits of one report run add up to at most this; then the run counts as failed.</summary>
    public TimeSpan AsyncJobTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Submissions of a report run that failed or was skipped before its time range is split in two; a single day
    /// that still fails is read one level lower and added up (reach unavailable), and fails the window only at ad level.
    /// </summary>
    public int AsyncJobAttempts { get; set; } = 2;

    /// <summary>
    /// The longest wait Meta may ask for (estimated_time_to_regain_access) that is honoured; a longer throttle stops
    /// the account for this run (committed windows stay, the next run resumes).
    /// </summary>
    public TimeSpan MaxThrottleWait { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>First backoff step of retries without a wait from Meta; later ones grow exponentially.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Usage (percent, any of Meta's usage headers) from which the connector pauses between calls.</summary>
    public int PacingThresholdPercent { get; set; } = 75;

    /// <summary>The pause at 100% usage; it grows linearly from the threshold.</summary>
    public TimeSpan PacingMaxPause { get; set; } = TimeSpan.FromSeconds(20);

    public IReadOnlyList<string> EffectiveActionTypes => ActionTypes ?? (IReadOnlyList<string>)DefaultActionTypes;

    public IReadOnlyList<string> EffectiveAttributionWindows => AttributionWindows ?? (IReadOnlyList<string>)DefaultAttributionWindows;

    /// <summary>Each breakdown stream's breakdowns.</summary>
    public IReadOnlyList<IReadOnlyList<string>> EffectiveBreakdowns =>
        (Breakdowns ?? (IReadOnlyList<string>)DefaultBreakdowns)
            .Where(b => !string.Equals(b.Trim(), "none", StringComparison.OrdinalIgnoreCase))
            .Select(b => (IReadOnlyList<string>)b.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToList();

    /// <summary>Ad account ids without the <c>act_</c> prefix.</summary>
    public IReadOnlyList<string> AccountIds => AdAccountIds.Select(NormalizeAccountId).ToList();

    public static string NormalizeAccountId(string id) =>
        (id ?? "").Trim() is var t && t.StartsWith("act_", StringComparison.Ordinal) ? t[4..] : t;

    public IEnumerable<OptionProblem> Validate()
    {
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri)
        {
            yield return new("BaseUrl", "must be an absolute URL");
        }

        if (!VersionPattern().IsMatch(ApiVersion ?? ""))
        {
            yield return new("ApiVersion", $"'{ApiVersion}' is not a Graph API version like {DefaultApiVersion}");
        }

        if (string.IsNullOrWhiteSpace(AccessToken))
        {
            yield return new("AccessToken", "is required (a long-lived user or system-user token with ads_read and read_insights)");
        }

        if (AdAccountIds.Count == 0)
        {
            yield return new("AdAccountIds", "list at least one ad account id");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < AdAccountIds.Count; i++)
        {
            var id = NormalizeAccountId(AdAccountIds[i]);
            var at = string.Create(CultureInfo.InvariantCulture, $"AdAccountIds:{i}");
            if (!NumericId().IsMatch(id))
            {
                yield return new(at, $"'{AdAccountIds[i]}' is not a numeric ad account id");
            }
            else if (!ids.Add(id))
            {
                yield return new(at, $"ad account {id} is configured twice");
            }
        }

        if (!Levels.Contains(Level))
        {
            yield return new("Level", $"'{Level}' is not one of {string.Join(", ", Levels)}");
        }

        var columns = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < EffectiveActionTypes.Count; i++)
        {
            var type = EffectiveActionTypes[i];
            if (!ActionTypePattern().IsMatch(type ?? ""))
            {
                yield return new(string.Create(CultureInfo.InvariantCulture, $"ActionTypes:{i}"), $"'{type}' is not an action type like offsite_conversion.fb_pixel_purchase");
            }
            else if (!columns.Add(MetaStreams.ColumnPart(type!)))
            {
                yield return new(string.Create(CultureInfo.InvariantCulture, $"ActionTypes:{i}"), $"'{type}' is listed twice (or maps to the same column as another)");
            }
        }

        var windows = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < EffectiveAttributionWindows.Count; i++)
        {
            var window = EffectiveAttributionWindows[i];
            var at = string.Create(CultureInfo.InvariantCulture, $"AttributionWindows:{i}");
            if (!SupportedAttributionWindows.Contains(window))
            {
                yield return new(at, window is "7d_view" or "28d_view"
                    ? $"'{window}' is no longer returned by Meta (since 2026-01-12)"
                    : $"'{window}' is not one of {string.Join(", ", SupportedAttributionWindows)}");
            }
            else if (!windows.Add(window))
            {
                yield return new(at, $"'{window}' is listed twice");
            }
        }

        var streams = new HashSet<string>(StringComparer.Ordinal);
        var breakdowns = Breakdowns ?? (IReadOnlyList<string>)DefaultBreakdowns;
        for (var i = 0; i < breakdowns.Count; i++)
        {
            var at = string.Create(CultureInfo.InvariantCulture, $"Breakdowns:{i}");
            if (string.Equals(breakdowns[i]?.Trim(), "none", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var parts = (breakdowns[i] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length == 0 || parts.Any(p => !BreakdownPattern().IsMatch(p)) || parts.Distinct(StringComparer.Ordinal).Count() != parts.Length)
            {
                yield return new(at, $"'{breakdowns[i]}' is not a breakdown (or comma-separated combination) like country or publisher_platform,platform_position");
            }
            else if (!streams.Add(MetaStreams.BreakdownStreamName(parts)))
            {
                yield return new(at, $"'{breakdowns[i]}' is listed twice");
            }
        }

        if (LookbackDays is < 0 or > 28)
        {
            yield return new("LookbackDays", $"{LookbackDays} is outside 0..28");
        }

        if (FirstRunDays is < 1 or > MaxHistoryDays)
        {
            yield return new("FirstRunDays", $"{FirstRunDays} is outside 1..{MaxHistoryDays} (Meta serves 37 months)");
        }

        if (ChunkDays is < 1 or > 90)
        {
            yield return new("ChunkDays", $"{ChunkDays} is outside 1..90");
        }

        if (SyncMaxDays is < 0 or > 90)
        {
            yield return new("SyncMaxDays", $"{SyncMaxDays} is outside 0..90");
        }

        if (PageSize is < 1 or > 5000)
        {
            yield return new("PageSize", $"{PageSize} is outside 1..5000");
        }

        if (AsyncPollInterval <= TimeSpan.Zero || AsyncPollInterval > TimeSpan.FromMinutes(1))
        {
            yield return new("AsyncPollInterval", "must be more than 0 and at most 1 minute");
        }

        if (AsyncJobTimeout < AsyncPollInterval || AsyncJobTimeout > TimeSpan.FromHours(6))
        {
            yield return new("AsyncJobTimeout", "must be at least AsyncPollInterval and at most 6 hours");
        }

        if (AsyncJobAttempts is < 1 or > 5)
        {
            yield return new("AsyncJobAttempts", $"{AsyncJobAttempts} is outside 1..5");
        }

        if (MaxThrottleWait < TimeSpan.Zero || MaxThrottleWait > TimeSpan.FromHours(1))
        {
            yield return new("MaxThrottleWait", "must be between 0 and 1 hour");
        }

        if (RetryBaseDelay < TimeSpan.Zero || RetryBaseDelay > TimeSpan.FromMinutes(1))
        {
            yield return new("RetryBaseDelay", "must be between 0 and 1 minute");
        }

        if (PacingThresholdPercent is < 1 or > 100)
        {
            yield return new("PacingThresholdPercent", $"{PacingThresholdPercent} is outside 1..100");
        }

        if (PacingMaxPause < TimeSpan.Zero || PacingMaxPause > TimeSpan.FromMinutes(5))
        {
            yield return new("PacingMaxPause", "must be between 0 and 5 minutes");
        }
    }

    [GeneratedRegex("^v[0-9]+\\.[0-9]+$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[0-9]+$")]
    private static partial Regex NumericId();

    [GeneratedRegex("^[a-z0-9][a-z0-9_.]*$")]
    private static partial Regex ActionTypePattern();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex BreakdownPattern();
}
