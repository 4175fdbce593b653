using System.Text;
using Pipeline.Connectors.Streams;

namespace Pipeline.Connectors.Ga4;

/// <summary>A GA4 metric with the warehouse type it lands as.</summary>
public sealed record Ga4Metric(string ApiName, FieldType Type, bool NonAdditive = false);

/// <summary>
/// One runReport shape: <c>date</c> plus dimensions, and metrics. Each becomes a report stream keyed by date and
/// every dimension (the property id is the account), so no two GA4 rows ever collapse into one.
/// </summary>
public sealed class Ga4Report
{
    public const string Source = "ga4";

    /// <summary>Columns recording how GA4 answered, on every row of the response.</summary>
    public static readonly IReadOnlyList<FieldDef> ResponseFields =
    [
        new("currency_code", FieldType.String),
        new("time_zone", FieldType.String),
        new("data_loss_from_other_row", FieldType.Boolean),
        new("sampled", FieldType.Boolean),
        new("subject_to_thresholding", FieldType.Boolean),
    ];

    /// <summary>The built-in report of linked Google Ads cost (paid search spend, clicks, impressions per campaign).</summary>
    public const string GoogleAdsDaily = "google_ads_daily";

    public Ga4Report(string name, IReadOnlyList<string> dimensions, IReadOnlyList<Ga4Metric> metrics, bool needsGoogleAdsLink = false)
    {
        NeedsGoogleAdsLink = needsGoogleAdsLink;
        Name = name;
        Dimensions = dimensions;
        Metrics = metrics;
        var dimensionFields = dimensions.Select(d => new FieldDef(ColumnName(d), FieldType.String, Nullable: false));
        var metricFields = metrics.Select(m => new FieldDef(ColumnName(m.ApiName), m.Type, NonAdditive: m.NonAdditive));
        Stream = new StreamDescriptor(
            Source,
            name,
            StreamKind.Report,
            [new FieldDef("date", FieldType.Date, Nullable: false), .. dimensionFields, .. metricFields, .. ResponseFields],
            ["date", .. dimensions.Select(ColumnName)],
            "date",
            defaultLookbackDays: 3);
    }

    public string Name { get; }

    /// <summary>Served only by properties linked to Google Ads; skipped (not failed) elsewhere.</summary>
    public bool NeedsGoogleAdsLink { get; }

    public IReadOnlyList<string> Dimensions { get; }

    public IReadOnlyList<Ga4Metric> Metrics { get; }

    public StreamDescriptor Stream { get; }

    /// <summary>sessionDefaultChannelGroup → session_default_channel_group.</summary>
    public static string ColumnName(string apiName)
    {
        var sb = new StringBuilder(apiName.Length + 8);
        for (var i = 0; i < apiName.Length; i++)
        {
            var c = apiName[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && sb[^1] != '_')
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else if (char.IsLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '_')
            {
                sb.Append('_');
            }
        }

        return sb.ToString().Trim('_');
    }

    /// <summary>The warehouse type of a metric from its GA4 metadata type.</summary>
    public static FieldType TypeOf(string? metricType) => metricType switch
    {
        "TYPE_INTEGER" => FieldType.Int64,
        "TYPE_CURRENCY" => FieldType.Decimal,
        _ => FieldType.Double, // TYPE_FLOAT, TYPE_SECONDS, TYPE_MILLISECONDS, TYPE_STANDARD, …
    };

    /// <summary>Distinct-count metrics: summing them over days or segments overcounts.</summary>
    public static bool IsNonAdditive(string apiName) =>
        apiName is "totalUsers" or "activeUsers" or "newUsers" or "active1DayUsers" or "active7DayUsers" or "active28DayUsers"
            or "dauPerMau" or "dauPerWau" or "wauPerMau" or "userEngagementDurationPerUser"
        || apiName.EndsWith("Rate", StringComparison.Ordinal) || apiName.StartsWith("average", StringComparison.Ordinal)
        || apiName.EndsWith("PerUser", StringComparison.Ordinal) || apiName.EndsWith("PerSession", StringComparison.Ordinal);

    public static IReadOnlyList<Ga4Report> BuiltIn { get; } =
    [
        new("traffic_daily",
            ["sessionDefaultChannelGroup", "sessionSource", "sessionMedium", "sessionCampaignName", "deviceCategory", "country"],
            [
                new("sessions", FieldType.Int64),
                new("engagedSessions", FieldType.Int64),
                new("screenPageViews", FieldType.Int64),
                new("userEngagementDuration", FieldType.Double),
                new("keyEvents", FieldType.Double),
                new("transactions", FieldType.Int64),
                new("purchaseRevenue", FieldType.Decimal),
                new("totalRevenue", FieldType.Decimal),
            ]),
        new("users_daily",
            ["sessionDefaultChannelGroup"],
            [
                new("totalUsers", FieldType.Int64, NonAdditive: true),
                new("newUsers", FieldType.Int64, NonAdditive: true),
                new("activeUsers", FieldType.Int64, NonAdditive: true),
            ]),
        new("landing_pages_daily",
            ["landingPagePlusQueryString"],
            [
                new("sessions", FieldType.Int64),
                new("engagedSessions", FieldType.Int64),
                new("keyEvents", FieldType.Double),
            ]),
        new(GoogleAdsDaily,
            ["sessionGoogleAdsAccountName", "sessionGoogleAdsCampaignId", "sessionGoogleAdsCampaignName"],
            [
                new("advertiserAdCost", FieldType.Decimal), // in the property's currency
                new("advertiserAdClicks", FieldType.Int64),
                new("advertiserAdImpressions", FieldType.Int64),
            ],
            needsGoogleAdsLink: true),
    ];
}
