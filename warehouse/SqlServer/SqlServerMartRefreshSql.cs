using System.Globalization;
using Pipeline.Warehouse.Marts;

namespace Pipeline.Warehouse.SqlServer;

/// <summary>SQL Server's side of a mart refresh: CHECKSUM summed as bigint for the per-day fingerprint.</summary>
internal sealed class SqlServerMartRefreshSql : MartRefreshSql
{
    public static SqlServerMartRefreshSql Instance { get; } = new();

    public override string EntityFingerprints { get; } = $"""
        SELECT date, CAST(SUM(h) AS nvarchar(40)) AS fingerprint
        FROM (
            SELECT date, CAST(CHECKSUM(measure, value, breakdown, platform, channel, campaign, device, country) AS bigint) AS h
            FROM dw.kpi_measure_daily WHERE platform IN ({EntityPlatforms}) AND measure IN ({EntityMeasures})
            UNION ALL
            SELECT date, CAST(CHECKSUM(currency, rate_to_reporting) AS bigint) FROM dw.fx_daily
        ) AS f
        GROUP BY date
        """;

    // Session context is per session: a dashboard reading the definitions meanwhile never sees it. The value is text
    // (yyyy-MM-dd, read the same under any language setting), cast to date where {{refresh_from}} and
    // {{refresh_first_day}} read it.
    protected override string DateVariable(string name, DateOnly? value) =>
        $"EXEC sp_set_session_context @key = N'{name}', @value = {(value is { } day ? string.Create(CultureInfo.InvariantCulture, $"'{day:yyyy-MM-dd}'") : "NULL")}";

    public override string ContextRefreshed(bool refreshed) =>
        $"EXEC sp_set_session_context @key = N'{ContextRefreshedVariable}', @value = {(refreshed ? "1" : "NULL")}";

    public override string Timestamp(DateTime utc) => string.Create(CultureInfo.InvariantCulture, $"CAST('{utc:yyyy-MM-ddTHH:mm:ss.ffffff}' AS datetime2(6))");
}
