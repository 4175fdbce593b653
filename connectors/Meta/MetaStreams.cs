using System.Text;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Meta;

/// <summary>
/// One daily insights stream: the configured level, optionally broken down. Keyed by date_start, the account, the
/// ids of the level and its parents, and every breakdown value, so no two Meta rows ever collapse into one.
/// </summary>
public sealed class MetaInsightsReport
{
    public MetaInsightsReport(string name, string level, IReadOnlyList<string> breakdowns, IReadOnlyList<string> actionTypes, IReadOnlyList<string> windows)
    {
        Name = name;
        Level = level;
        Breakdowns = breakdowns;
        ActionTypes = actionTypes;
        AttributionWindows = windows;
        var depth = Array.IndexOf(MetaStreams.LevelOrder, level);
        LevelFields = MetaStreams.LevelIdFields.Take(depth).SelectMany(x => x).ToList();
        IdFields = LevelFields.Where(f => f.EndsWith("_id", StringComparison.Ordinal)).ToList();

        var fields = new List<FieldDef>
        {
            new("date_start", FieldType.Date, Nullable: false),
            new("date_stop", FieldType.Date),
            new("account_id", FieldType.String, Nullable: false),
            new("account_currency", FieldType.String),
        };
        fields.AddRange(LevelFields.Select(f => new FieldDef(f, FieldType.String, Nullable: !IdFields.Contains(f))));
        fields.AddRange(breakdowns.Select(b => new FieldDef(b, FieldType.String, Nullable: false)));
        fields.Add(new("impressions", FieldType.Int64));
        fields.Add(new("reach", FieldType.Int64, NonAdditive: true, Description: "People reached at this row's level and day as Meta counted them: a distinct count, never summed across days, ads or campaigns."));
        fields.Add(new("frequency", FieldType.Double, NonAdditive: true, Description: "Impressions per person reached (impressions / reach of this row), not a count."));
        fields.Add(new(ReachUnavailable, FieldType.Boolean, Nullable: false));
        fields.Add(new("clicks", FieldType.Int64));
        fields.Add(new("inline_link_clicks", FieldType.Int64));
        fields.Add(new("spend", FieldType.Decimal, Description: "Spend in the ad account's currency (account_currency), in currency units, not cents."));
        foreach (var list in new[] { "actions", "action_values" })
        {
            foreach (var type in actionTypes)
            {
                fields.Add(new(ActionColumn(list, type, null), FieldType.Decimal));
                foreach (var window in windows)
                {
                    fields.Add(new(ActionColumn(list, type, window), FieldType.Decimal));
                }
            }
        }

        fields.Add(new("actions", FieldType.Json));
        fields.Add(new("action_values", FieldType.Json));
        Stream = new StreamDescriptor(
            MetaStreams.Source,
            name,
            StreamKind.Report,
            fields,
            ["date_start", "account_id", .. IdFields, .. breakdowns],
            "date_start",
            defaultLookbackDays: 28);
    }

    /// <summary>
    /// Column that is true on rows added up from a lower level (Meta could not produce the configured level for
    /// that day): their reach and frequency are null, as reach does not add up across campaigns, ad sets or ads.
    /// </summary>
    public const string ReachUnavailable = "reach_unavailable";

    public string Name { get; }

    /// <summary>account, campaign, adset or ad.</summary>
    public string Level { get; }

    public IReadOnlyList<string> Breakdowns { get; }

    public IReadOnlyList<string> ActionTypes { get; }

    public IReadOnlyList<string> AttributionWindows { get; }

    /// <summary>Id and name columns of the level and its parents (campaign_id, campaign_name, objective, …).</summary>
    public IReadOnlyList<string> LevelFields { get; }

    /// <summary>The id columns among <see cref="LevelFields"/> (part of the key).</summary>
    public IReadOnlyList<string> IdFields { get; }

    public StreamDescriptor Stream { get; }

    /// <summary>The same report one level lower (campaign for account, …); null at ad level.</summary>
    public MetaInsightsReport? LowerLevel()
    {
        var depth = Array.IndexOf(MetaStreams.LevelOrder, Level);
        return depth < 0 || depth + 1 >= MetaStreams.LevelOrder.Length
            ? null
            : new MetaInsightsReport(Name, MetaStreams.LevelOrder[depth + 1], Breakdowns, ActionTypes, AttributionWindows);
    }

    /// <summary>The <c>fields</c> parameter of the insights request.</summary>
    public IReadOnlyList<string> ApiFields =>
        ["account_id", "account_currency", .. LevelFields, "impressions", "reach", "frequency", "clicks", "inline_link_clicks", "spend", "actions", "action_values"];

    /// <summary>actions_purchase_7d_click; actions_purchase for the default-attribution total.</summary>
    public static string ActionColumn(string list, string actionType, string? window) =>
        window is null ? $"{list}_{MetaStreams.ColumnPart(actionType)}" : $"{list}_{MetaStreams.ColumnPart(actionType)}_{window}";
}

/// <summary>The streams of the Meta source.</summary>
public static class MetaStreams
{
    public const string Source = "meta";

    internal static readonly string[] LevelOrder = ["account", "campaign", "adset", "ad"];

    /// <summary>Columns each level adds below the account.</summary>
    internal static readonly string[][] LevelIdFields =
    [
        ["campaign_id", "campaign_name", "objective"],
        ["adset_id", "adset_name"],
        ["ad_id", "ad_name"],
    ];

    public static StreamDescriptor AdAccounts { get; } = new(
        Source,
        "ad_accounts",
        StreamKind.Entity,
        [
            new("id", FieldType.String, Nullable: false),
            new("name", FieldType.String),
            new("currency", FieldType.String),
            new("timezone_name", FieldType.String),
            new("account_status", FieldType.Int64),
        ],
        ["id"],
        "id");

    public static StreamDescriptor Campaigns { get; } = Entity(
        "campaigns",
        [
            new("name", FieldType.String),
            new("status", FieldType.String),
            new("effective_status", FieldType.String),
            new("objective", FieldType.String),
            new("daily_budget", FieldType.Int64),
            new("start_time", FieldType.Timestamp),
            new("stop_time", FieldType.Timestamp),
        ]);

    public static StreamDescriptor AdSets { get; } = Entity(
        "adsets",
        [
            new("campaign_id", FieldType.String, Nullable: false),
            new("name", FieldType.String),
            new("status", FieldType.String),
            new("effective_status", FieldType.String),
            new("daily_budget", FieldType.Int64),
            new("start_time", FieldType.Timestamp),
            new("end_time", FieldType.Timestamp),
        ]);

    public static StreamDescriptor Ads { get; } = Entity(
        "ads",
        [
            new("campaign_id", FieldType.String, Nullable: false),
            new("adset_id", FieldType.String, Nullable: false),
            new("name", FieldType.String),
            new("status", FieldType.String),
            new("effective_status", FieldType.String),
        ]);

    public static IReadOnlyList<StreamDescriptor> EntityStreams { get; } = [AdAccounts, Campaigns, AdSets, Ads];

    /// <summary>The insights streams the options describe: <c>insights_daily</c> and one <c>insights_daily_by_…</c> per breakdown entry.</summary>
    public static IReadOnlyList<MetaInsightsReport> InsightsReports(MetaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var actions = options.EffectiveActionTypes;
        var windows = options.EffectiveAttributionWindows;
        var reports = new List<MetaInsightsReport> { new("insights_daily", options.Level, [], actions, windows) };
        reports.AddRange(options.EffectiveBreakdowns.Select(b => new MetaInsightsReport(BreakdownStreamName(b), options.Level, b, actions, windows)));
        return reports;
    }

    /// <summary>Every stream for the options: entities first, then insights.</summary>
    public static IReadOnlyList<StreamDescriptor> All(MetaOptions options) =>
        [.. EntityStreams, .. InsightsReports(options).Select(r => r.Stream)];

    public static string BreakdownStreamName(IReadOnlyList<string> breakdowns) => "insights_daily_by_" + string.Join('_', breakdowns);

    /// <summary>offsite_conversion.fb_pixel_purchase → offsite_conversion_fb_pixel_purchase.</summary>
    public static string ColumnPart(string actionType)
    {
        ArgumentNullException.ThrowIfNull(actionType);
        var sb = new StringBuilder(actionType.Length);
        foreach (var c in actionType.ToLowerInvariant())
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        }

        return sb.ToString();
    }

    private static StreamDescriptor Entity(string name, IReadOnlyList<FieldDef> fields) => new(
        Source,
        name,
        StreamKind.Entity,
        [
            new("id", FieldType.String, Nullable: false),
            new("account_id", FieldType.String, Nullable: false),
            .. fields,
            new("created_time", FieldType.Timestamp),
            new("updated_time", FieldType.Timestamp),
        ],
        ["id"],
        "updated_time");
}
