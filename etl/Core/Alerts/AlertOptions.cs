namespace Pipeline.Etl.Alerts;

/// <summary><c>Alerts</c>: where failed runs, stale sources and new KPI anomalies are reported besides the log.</summary>
public sealed class AlertOptions
{
    /// <summary>
    /// Slack or Teams incoming-webhook URL (a JSON <c>{"text": …}</c> is POSTed). A secret: such URLs embed their
    /// token, so it is masked by <c>config check</c> and scrubbed from logs. Empty: alerts go to the log only.
    /// </summary>
    public string? WebhookUrl { get; set; }

    /// <summary>
    /// Hours since a source's stalest stream last synced successfully beyond which the source is stale, per source
    /// (<c>ga4</c>, <c>meta</c>, …). Sources not named keep <see cref="Scheduling.ScheduleDefaults"/>.
    /// </summary>
    public Dictionary<string, double> FreshnessSlaHours { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Alert on KPI anomalies (mart.kpi_anomalies) dated after the last one alerted.</summary>
    public bool Anomalies { get; set; } = true;

    /// <summary>At most this many anomalies are listed in one alert; the rest are counted.</summary>
    public int MaxAnomaliesListed { get; set; } = 10;

    /// <summary>Source health: columns that stop filling, volume that leaves its band (see <see cref="SourceHealthCheck"/>).</summary>
    public HealthAlertOptions Health { get; set; } = new();
}
