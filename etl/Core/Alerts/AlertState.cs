using Pipeline.Warehouse;

namespace Pipeline.Etl.Alerts;

/// <summary>A day on which a KPI left its usual band (a row of <c>mart.kpi_anomalies</c>).</summary>
public sealed record KpiAnomaly(
    DateOnly Date, string SegmentType, string Segment, string KpiId, string KpiName, string Unit,
    double Value, double BaselineMedian, double LowerBound, double UpperBound, double RobustZ, string Direction, string Assessment);

/// <summary>Reads <c>mart.kpi_anomalies</c>.</summary>
public interface IAnomalyFeed
{
    Task<DateOnly?> LatestDateAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<KpiAnomaly>> ReadAfterAsync(DateOnly after, CancellationToken cancellationToken = default);
}

/// <summary><c>mart.kpi_anomalies</c> of any engine, through its reader and the shared <see cref="MartQueries"/>.</summary>
public sealed class MartAnomalyFeed(IWarehouseReader reader) : IAnomalyFeed
{
    public async Task<DateOnly?> LatestDateAsync(CancellationToken cancellationToken = default)
    {
        var rows = await reader.QueryAsync(MartQueries.LatestAnomalyDate, cancellationToken: cancellationToken);
        return rows.Count == 0 ? null : rows[0].DateOrNull(0);
    }

    public async Task<IReadOnlyList<KpiAnomaly>> ReadAfterAsync(DateOnly after, CancellationToken cancellationToken = default)
    {
        var rows = await reader.QueryAsync(MartQueries.AnomaliesAfter(reader.Dialect), new Dictionary<string, object?> { ["after"] = after }, cancellationToken);
        return rows.Select(r => new KpiAnomaly(
                r.Date(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5),
                Number(r, 6), Number(r, 7), Number(r, 8), Number(r, 9), Number(r, 10), r.Text(11), r.Text(12)))
            .ToList();
    }

    private static double Number(SqlRow row, int i) => row.Double(i) ?? double.NaN;
}
