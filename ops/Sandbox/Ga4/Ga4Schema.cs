using System.Globalization;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.Ga4;

/// <summary>The dimensions and metrics the sandbox property serves, with GA4's API names and types.</summary>
internal static class Ga4Schema
{
    public sealed record Dimension(string ApiName, string UiName, string Category, Func<Ga4Segment, string> Value);

    public sealed record Metric(string ApiName, string UiName, string Type, string Category, Func<Ga4Aggregate, string> Value);

    public static readonly IReadOnlyList<Dimension> Dimensions =
    [
        new("date", "Date", "Time", s => s.Date.ToString("yyyyMMdd", CultureInfo.InvariantCulture)),
        new("sessionDefaultChannelGroup", "Session default channel group", "Traffic source", s => s.Channel),
        new("sessionSource", "Session source", "Traffic source", s => s.Source),
        new("sessionMedium", "Session medium", "Traffic source", s => s.Medium),
        new("sessionSourceMedium", "Session source / medium", "Traffic source", s => s.Source + " / " + s.Medium),
        new("sessionCampaignName", "Session campaign", "Traffic source", s => s.Campaign),
        new("deviceCategory", "Device category", "Platform / device", s => s.Device),
        new("country", "Country", "Geography", s => s.Country),
        new("landingPagePlusQueryString", "Landing page + query string", "Page / screen", s => s.LandingPage),
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
    ];

    public static Dimension? FindDimension(string name) => Dimensions.FirstOrDefault(d => d.ApiName == name);

    public static Metric? FindMetric(string name) => Metrics.FirstOrDefault(m => m.ApiName == name);

    private static string Int(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Money(long cents) => (cents / 100m).ToString("0.##", CultureInfo.InvariantCulture);

    private static string Ratio(long part, long whole) => whole == 0 ? "0" : ((double)part / whole).ToString("R", CultureInfo.InvariantCulture);
}
