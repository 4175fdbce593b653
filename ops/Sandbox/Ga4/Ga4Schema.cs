using System.Globalization;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Ga4;

/// <summary>
/// One fact a report aggregates: a traffic segment, or (for the linked Google Ads metrics) one campaign's day.
/// GA4 joins cost to sessions itself; the sandbox serves the two kinds of fact in separate reports.
/// </summary>
internal readonly record struct Ga4Fact(Ga4Segment? Segment, GoogleAdsCampaignDay? Ads, GoogleAdsWorld GoogleAds)
{
    public GoogleAdsCampaign? Campaign => Ads?.Campaign ?? (Segment is { } s ? GoogleAds.CampaignOf(s) : null);
}

/// <summary>The dimensions and metrics the sandbox property serves, with GA4's API names and types.</summary>
internal static class Ga4Schema
{
    public const string NotSet = "(not set)";

    /// <param name="Ads">Whether it exists only with a Google Ads link; <paramref name="AdsCompatible"/>: usable with the cost metrics.</param>
    public sealed record Dimension(string ApiName, string UiName, string Category, Func<Ga4Segment, string> SegmentValue, bool Ads = false, bool AdsCompatible = false)
    {
        public string Value(Ga4Fact f) => ApiName switch
        {
            "date" => (f.Ads?.Date ?? f.Segment!.Date).ToString("yyyyMMdd", CultureInfo.InvariantCulture),
            "sessionGoogleAdsAccountName" => f.Campaign is null ? NotSet : f.GoogleAds.AccountName,
            "sessionGoogleAdsCampaignId" => f.Campaign?.Id ?? NotSet,
            "sessionGoogleAdsCampaignName" => f.Campaign?.Name ?? NotSet,
            _ => SegmentValue(f.Segment!),
        };
    }

    public sealed record Metric(string ApiName, string UiName, string Type, string Category, Func<Ga4Aggregate, string> Value, bool Ads = false)
    {
        /// <summary>The MetricType enum number, for clients asking for <c>enum-encoding=int</c>.</summary>
        public int TypeNumber => Type switch
        {
            "TYPE_INTEGER" => 1,
            "TYPE_FLOAT" => 2,
            "TYPE_SECONDS" => 4,
            "TYPE_CURRENCY" => 9,
            _ => 0,
        };
    }

    public static readonly IReadOnlyList<Dimension> Dimensions =
    [
        new("date", "Date", "Time", s => s.Date.ToString("yyyyMMdd", CultureInfo.InvariantCulture), AdsCompatible: true),
        new("sessionDefaultChannelGroup", "Session default channel group", "Traffic source", s => s.Channel),
        new("sessionSource", "Session source", "Traffic source", s => s.Source),
        new("sessionMedium", "Session medium", "Traffic source", s => s.Medium),
        new("sessionSourceMedium", "Session source / medium", "Traffic source", s => s.Source + " / " + s.Medium),
        new("sessionCampaignName", "Session campaign", "Traffic source", s => s.Campaign),
        new("deviceCategory", "Device category", "Platform / device", s => s.Device),
        new("country", "Country", "Geography", s => s.Country),
        new("landingPagePlusQueryString", "Landing page + query string", "Page / screen", s => s.LandingPage),
        new("sessionGoogleAdsAccountName", "Session Google Ads account name", "Traffic source", _ => NotSet, Ads: true, AdsCompatible: true),
        new("sessionGoogleAdsCampaignId", "Session Google Ads campaign ID", "Traffic source", _ => NotSet, Ads: true, AdsCompatible: true),
        new("sessionGoogleAdsCampaignName", "Session Google Ads campaign", "Traffic source", _ => NotSet, Ads: true, AdsCompatible: true),
    ];

    public static readonly IReadOnlyList<Metric> Metrics =
    [
        new("sessions", "Sessions", "TYPE_INTEGER", "Session", a => Int(a.Sessions)),
        new("engagedSessions", "Engaged sessions", "TYPE_INTEGER", "Session", a => Int(a.EngagedSessions)),
        new("screenPageViews", "Views", "TYPE_INTEGER", "Page / screen", a => Int(a.ScreenPageViews)),
        new("userEngagementDuration", "User engagement", "TYPE_SECONDS", "User", a => Int(a.UserEngagementSeconds)),
        new("keyEvents", "Key events", "TYPE_FLOAT", "Event", a => Int(a.KeyEvents)),
        new("transactions", "Transactions", "TYPE_INTEGER", "Ecommerce", a => Int(a.Transactions)),
        new("purchaseRevenue", "Purchase revenue", "TYPE_CURRENCY", "Revenue", a => Money(a.PurchaseRevenueCents)),
        new("totalRevenue", "Total revenue", "TYPE_CURRENCY", "Revenue", a => Money(a.TotalRevenueCents)),
        new("totalUsers", "Total users", "TYPE_INTEGER", "User", a => Int(a.TotalUsers)),
        new("newUsers", "New users", "TYPE_INTEGER", "User", a => Int(a.NewUsers)),
        new("activeUsers", "Active users", "TYPE_INTEGER", "User", a => Int(a.ActiveUsers)),
        new("engagementRate", "Engagement rate", "TYPE_FLOAT", "Session", a => Ratio(a.EngagedSessions, a.Sessions)),
        new("bounceRate", "Bounce rate", "TYPE_FLOAT", "Session", a => Ratio(a.Sessions - a.EngagedSessions, a.Sessions)),
        new("advertiserAdCost", "Google Ads cost", "TYPE_CURRENCY", "Advertising", a => Money(a.AdCostCents), Ads: true),
        new("advertiserAdClicks", "Google Ads clicks", "TYPE_INTEGER", "Advertising", a => Int(a.AdClicks), Ads: true),
        new("advertiserAdImpressions", "Google Ads impressions", "TYPE_INTEGER", "Advertising", a => Int(a.AdImpressions), Ads: true),
    ];

    /// <summary>Names of the Google Ads link exist only on linked properties, as in GA4's metadata.</summary>
    public static Dimension? FindDimension(string name, bool adsLinked) => Dimensions.FirstOrDefault(d => d.ApiName == name && (adsLinked || !d.Ads));

    public static Metric? FindMetric(string name, bool adsLinked) => Metrics.FirstOrDefault(m => m.ApiName == name && (adsLinked || !m.Ads));

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Money(long cents) => (cents / 100m).ToString("0.##", CultureInfo.InvariantCulture);

    private static string Ratio(long part, long whole) => whole == 0 ? "0" : ((double)part / whole).ToString("R", CultureInfo.InvariantCulture);
}
