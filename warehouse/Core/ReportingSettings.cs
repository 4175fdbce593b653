namespace Pipeline.Warehouse;

/// <summary>
/// Business settings the semantic layer computes with. Published by every migrate as <c>dw.settings</c>, so a
/// changed setting takes effect on the next run without touching data.
/// </summary>
public sealed record ReportingSettings
{
    /// <summary>ISO 4217 code every money column of dw facts and marts is converted to (through fx_rates).</summary>
    public string Currency { get; init; } = "EUR";

    /// <summary>IANA zone CRM timestamps become dates in (ad and analytics dates stay in their account's zone).</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Gross margin (0..1) ROMI multiplies revenue by.</summary>
    public decimal GrossMargin { get; init; } = 0.6m;

    /// <summary>Expected customer lifespan in months for the formula LTV (AOV × purchase frequency × lifespan).</summary>
    public int ExpectedLifespanMonths { get; init; } = 36;

    /// <summary>Trailing days of the robust band the anomaly view compares each day with.</summary>
    public int AnomalyWindowDays { get; init; } = 28;

    /// <summary>Width of the anomaly band in scaled median absolute deviations.</summary>
    public decimal AnomalyThreshold { get; init; } = 3m;

    /// <summary>Days after creation an open deal keeps its creation day provisional (the CRM may still win or lose it).</summary>
    public int CrmMaturityDays { get; init; } = 90;

    /// <summary>Attribution model of revenue, won deals, new customers, LTV and CAC: <c>first_touch</c> or <c>deal_source</c> (see <see cref="AttributionModels"/>).</summary>
    public string Attribution { get; init; } = AttributionModels.FirstTouch;

    /// <summary>Months with closed CRM deals needed up to a period's end before the formula LTV is estimated (else NULL with a reason).</summary>
    public int MinLtvHistoryMonths { get; init; } = 6;
}
