using System.Globalization;

namespace Pipeline.Warehouse.Marts;

/// <summary>
/// The little of a mart refresh that differs between engines: a timestamp literal and the per-day fingerprint of
/// the rows entity and snapshot streams feed (whose loads carry no date window). Everything else
/// <see cref="MartRefresher"/> writes is the shared subset of both engines' SQL.
/// </summary>
public abstract class MartRefreshSql
{
    /// <summary>
    /// Rows (date, fingerprint): per day, an order-independent hash of the daily measures read from entity and
    /// snapshot streams (CRM deals, contacts, companies, email campaigns, cost files) and of the FX rates. A day
    /// whose fingerprint differs from the stored one is a day such a load changed. Read from table
    /// mart.kpi_measure_daily, which the refresh recomputes first (<see cref="MartRefresher"/>).
    /// </summary>
    public abstract string EntityFingerprints { get; }

    public abstract string Timestamp(DateTime utc);

    public static string Date(DateOnly date) => string.Create(CultureInfo.InvariantCulture, $"CAST('{date:yyyy-MM-dd}' AS DATE)");

    /// <summary>The measures whose rows can move to any date: read from streams without date windows.</summary>
    protected const string EntityMeasures =
        "SELECT ms.measure FROM dw.measure_sources AS ms JOIN dw.stream_catalog AS sc ON sc.source = ms.source AND sc.stream = ms.stream WHERE sc.kind <> 'Report'";
}
