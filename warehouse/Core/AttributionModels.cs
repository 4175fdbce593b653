namespace Pipeline.Warehouse;

/// <summary>
/// The values of <c>Reporting:Attribution</c>, published as <c>dw.settings.attribution_model</c>. The model decides
/// which channel a deal's revenue, a won deal and a new customer count under (dw.fact_deal.channel and
/// dw.dim_customer.acquisition_channel), so every mart reading them uses one rule.
/// </summary>
public static class AttributionModels
{
    /// <summary>Every deal goes to its customer's acquisition channel: the original source of the customer's company, else contact.</summary>
    public const string FirstTouch = "first_touch";

    /// <summary>Every deal goes to its own original source; a customer is acquired in its first won deal's source.</summary>
    public const string DealSource = "deal_source";

    public static IReadOnlyList<string> All { get; } = [FirstTouch, DealSource];

    public static bool IsKnown(string? value) => value is not null && All.Contains(value, StringComparer.Ordinal);
}
