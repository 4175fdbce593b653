namespace Pipeline.Warehouse.SqlServer.Tests;

/// <summary>
/// GA4 rows whose segment labels differ only in case or surrounding spaces, written in SQL both engines accept, and
/// what warehouse/SEMANTICS.md ("Segment keys") says the marts make of them.
/// </summary>
internal static class SegmentKeys
{
    private static readonly (string Channel, string Campaign, string Country, int Sessions)[] Rows =
    [
        ("Paid Search", "Spring", "France", 1),
        ("paid search ", "Spring ", "france ", 2),
        ("Paid Search", "spring", "FRANCE", 4),
        ("Paid Search", "(Not Set)", "France", 8),
    ];

    public static string InsertSql =>
        "INSERT INTO staging.ga4_traffic_daily (date, _account_id, session_default_channel_group, session_source, session_medium, "
        + "session_campaign_name, device_category, country, sessions, _run_id, _loaded_at) VALUES "
        + string.Join(", ", Rows.Select(r =>
            $"('2026-01-05', 'p1', '{r.Channel}', 'segment-test', 'partner', '{r.Campaign}', 'desktop', '{r.Country}', {r.Sessions}, 'run-1', '2026-01-06 00:00:00')"))
        // The daily measures the mart definitions read are a table: recomputed as the refresh does first.
        + "; DELETE FROM mart.kpi_measure_daily; INSERT INTO mart.kpi_measure_daily SELECT * FROM mart_def.kpi_measure_daily";

    /// <summary>Day sessions by segment for one segment type, as "segment=sessions" in ordinal order.</summary>
    // The definition of mart.kpi_measures (over the daily measures InsertSql recomputes): the rows are
    // written straight into staging, without a sync and so without the refresh that would copy them into the table.
    public static string SessionsSql(string segmentType) =>
        $"SELECT segment, CAST(value AS INTEGER) FROM mart_def.kpi_measures WHERE grain = 'day' AND measure = 'sessions' AND segment_type = '{segmentType}'";

    public static IEnumerable<string> Format(IEnumerable<(string Segment, int Sessions)> rows) =>
        rows.Select(r => $"[{r.Segment}]={r.Sessions}").Order(StringComparer.Ordinal);

    /// <summary>Channel and country variants merge under the variant that sorts first; all 15 sessions stay counted.</summary>
    public static readonly string[] Channels = ["[Paid Search]=15"];

    public static readonly string[] Countries = ["[FRANCE]=15"];

    /// <summary>Campaigns are trimmed but keep their case; GA4's "(not set)" is no campaign in any case.</summary>
    public static readonly string[] Campaigns = ["[Spring]=3", "[spring]=4"];
}
