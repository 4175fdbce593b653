using System.Globalization;
using Pipeline.Warehouse.Marts;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>DuckDB's side of a mart refresh: hash() summed as HUGEINT for the per-day fingerprint.</summary>
internal sealed class DuckDbMartRefreshSql : MartRefreshSql
{
    public static DuckDbMartRefreshSql Instance { get; } = new();

    // Writers let the WAL grow to DuckDbWarehouse.CheckpointThreshold; a refresh folds it into the file once.
    public override string AfterCommit => "CHECKPOINT";

    public override string EntityFingerprints { get; } = $"""
        SELECT date, CAST(sum(h) AS VARCHAR) AS fingerprint
        FROM (
            SELECT date, CAST(hash(measure, value, breakdown, platform, channel, campaign, device, country) AS HUGEINT) AS h
            FROM dw.kpi_measure_daily WHERE platform IN ({EntityPlatforms}) AND measure IN ({EntityMeasures})
            UNION ALL
            SELECT date, CAST(hash(currency, rate_to_reporting) AS HUGEINT) FROM dw.fx_daily
        ) AS f
        GROUP BY date
        """;

    // SET VARIABLE is per connection: a dashboard reading the definitions meanwhile never sees it.
    protected override string DateVariable(string name, DateOnly? value) =>
        value is { } day ? $"SET VARIABLE {name} = {Date(day)}" : $"RESET VARIABLE {name}";

    public override string ContextRefreshed(bool refreshed) =>
        refreshed ? $"SET VARIABLE {ContextRefreshedVariable} = true" : $"RESET VARIABLE {ContextRefreshedVariable}";

    public override string Timestamp(DateTime utc) => string.Create(CultureInfo.InvariantCulture, $"CAST('{utc:yyyy-MM-dd HH:mm:ss.ffffff}' AS TIMESTAMP)");
}
