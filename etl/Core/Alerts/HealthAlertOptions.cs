namespace Pipeline.Etl.Alerts;

/// <summary><c>Alerts:Health</c>: when a column that sources normally fill goes empty, or a stream's daily volume leaves its band.</summary>
public sealed class HealthAlertOptions
{
    /// <summary>Watch <c>mart.source_health</c> after every scheduled run.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A day whose fill rate is below this is a "not filled" day (0..1).</summary>
    public double MinFillRate { get; set; } = 0.5;

    /// <summary>Days before the episode that make the baseline.</summary>
    public int BaselineDays { get; set; } = 28;

    /// <summary>A column is watched only when it was filled on at least this share of the baseline days (0..1).</summary>
    public double BaselineFilledShare { get; set; } = 0.9;

    /// <summary>A day's row count outside median ± this × 1.4826 × MAD of the baseline days leaves the volume band; 0 turns the volume check off.</summary>
    public double VolumeMadFactor { get; set; } = 5;
}
