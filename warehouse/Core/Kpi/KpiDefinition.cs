namespace Pipeline.Warehouse.Kpi;

/// <summary>Where a KPI sits in the funnel.</summary>
public enum FunnelStage
{
    Awareness,
    Consideration,
    Conversion,
    Loyalty,
}

public enum KpiUnit
{
    Count,
    Currency,
    Ratio,
    Seconds,
    Days,
    Score,
}

/// <summary>Which direction is good news (colours, anomaly direction, target pace).</summary>
public enum BetterWhen
{
    Higher,
    Lower,
    Context,
}

/// <summary>How a KPI may be rolled up across days and segments.</summary>
public enum Additivity
{
    /// <summary>A sum: any grain sums it.</summary>
    Additive,

    /// <summary>A ratio of sums: numerator and denominator are summed at the grain, then divided.</summary>
    RatioOfSums,

    /// <summary>A distinct count or platform figure (users, reach): valid only at the grain it was fetched at.</summary>
    NonAdditive,

    /// <summary>Computed by a dedicated view (cohorts, retention, LTV, shares, growth), not from summed measures.</summary>
    DedicatedView,
}

public enum Indicator
{
    Leading,
    Lagging,
}

[Flags]
public enum Audience
{
    None = 0,
    Executive = 1,
    Marketing = 2,
    Specialist = 4,
}

public enum Cadence
{
    Daily,
    Weekly,
    Monthly,
    Quarterly,
}

/// <summary>Which revenue, customers or leads a cost KPI sets against marketing cost (SEMANTICS.md, "Cost scope").</summary>
public enum CostScope
{
    /// <summary>Not a cost KPI.</summary>
    None,

    /// <summary>All revenue, customers or leads ÷ all marketing cost (ad spend + other marketing cost).</summary>
    Blended,

    /// <summary>Only what is attributed to channels that have a cost source ÷ that cost.</summary>
    Paid,

    /// <summary>What the ad platforms claim (their attributed conversion value) ÷ ad spend.</summary>
    Platform,
}

/// <summary>A linear combination of base measures, each summed at the query grain: e.g. sent − hard − soft bounces.</summary>
public sealed record MeasureSum(IReadOnlyList<(string Measure, int Sign)> Terms)
{
    public static MeasureSum Of(string measure) => new([(measure, 1)]);

    public MeasureSum Minus(string measure) => new([.. Terms, (measure, -1)]);

    public MeasureSum Plus(string measure) => new([.. Terms, (measure, 1)]);

    public IEnumerable<string> Measures => Terms.Select(t => t.Measure);

    public override string ToString() =>
        string.Concat(Terms.Select((t, i) => (i == 0 ? (t.Sign < 0 ? "−" : "") : (t.Sign < 0 ? " − " : " + ")) + "Σ " + t.Measure));
}

/// <summary>
/// One KPI, defined once: what it means and, for sums and ratios, which base measures make its numerator and
/// denominator. Views, exports and reports all come from this record; none restates the formula.
/// </summary>
public sealed record KpiDefinition
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    public required string Description { get; init; }

    public required FunnelStage Stage { get; init; }

    /// <summary>The formula as people read it (the brief's wording).</summary>
    public required string Formula { get; init; }

    public required KpiUnit Unit { get; init; }

    public required BetterWhen BetterWhen { get; init; }

    public required Additivity Additivity { get; init; }

    public required Indicator Indicator { get; init; }

    public required Audience Audiences { get; init; }

    public required Cadence Cadence { get; init; }

    /// <summary>Source systems: GA4, Meta, Mailchimp, CRM, Files.</summary>
    public required IReadOnlyList<string> Sources { get; init; }

    /// <summary>Summed measures on top; null for KPIs computed by a dedicated view.</summary>
    public MeasureSum? Numerator { get; init; }

    /// <summary>Summed measures below; null for plain sums.</summary>
    public MeasureSum? Denominator { get; init; }

    /// <summary>Multiplier after dividing (1000 for CPM).</summary>
    public decimal Scale { get; init; } = 1m;

    /// <summary>Report 1 − ratio (bounce rate from engagement, churn from retention).</summary>
    public bool Complement { get; init; }

    /// <summary>Blended, paid or platform for the cost KPIs (ROI, ROAS, CAC, CPL, ROMI); None for the rest.</summary>
    public CostScope CostScope { get; init; }

    /// <summary>The mart view that publishes the KPI's values.</summary>
    public string View { get; init; } = "mart.kpi_values";
}
