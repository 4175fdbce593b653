-- Base measures summed at every grain analysts ask for: day, ISO week and month, overall and by channel,
-- campaign, device and country. A row of dw.kpi_measure_daily joins a segment family only when its breakdown
-- allows it, so no figure is counted twice.
--
-- Decimal arithmetic: SQL Server rounds decimal(38, 9) × anything to 6 decimals, so a measure is narrowed to
-- decimal(28, 9) before it is multiplied by its ±1 coefficient (the product stays decimal(31, 9)), and every division
-- is done in float, as DuckDB does (its decimal / decimal is a DOUBLE).
CREATE OR ALTER VIEW mart.kpi_measures AS
WITH m AS (
    SELECT k.date, k.measure, k.value, k.breakdown, k.channel, k.campaign, k.device, k.country,
           d.iso_week_start, d.month_start, d.month_end, d.quarter_start
    FROM mart.kpi_measure_daily AS k
    JOIN dw.dim_date AS d ON d.date = k.date
    -- A period's row reads its own days only: a range refresh (from a quarter's start) reads no earlier day.
    WHERE k.date >= {{refresh_from}}
),
seg AS (
    SELECT date, iso_week_start, month_start, month_end, quarter_start, measure, value, 'all' AS segment_type, 'All' AS segment
    FROM m WHERE breakdown IN ('all', 'total')
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, quarter_start, measure, value, 'channel', channel
    FROM m WHERE breakdown IN ('all', 'total') AND channel IS NOT NULL
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, quarter_start, measure, value, 'campaign', campaign
    FROM m WHERE breakdown IN ('all', 'total') AND campaign IS NOT NULL
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, quarter_start, measure, value, 'device', device
    FROM m WHERE breakdown IN ('all', 'device') AND device IS NOT NULL
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, quarter_start, measure, value, 'country', country
    FROM m WHERE breakdown IN ('all', 'country') AND country IS NOT NULL
)
SELECT 'day' AS grain, date AS period_start, date AS period_end, segment_type, segment, measure, SUM(value) AS value
FROM seg GROUP BY date, segment_type, segment, measure
UNION ALL
SELECT 'week', iso_week_start, DATEADD(day, 6, iso_week_start), segment_type, segment, measure, SUM(value)
FROM seg GROUP BY iso_week_start, segment_type, segment, measure
UNION ALL
SELECT 'month', month_start, month_end, segment_type, segment, measure, SUM(value)
FROM seg GROUP BY month_start, month_end, segment_type, segment, measure
UNION ALL
-- dim_date's quarter_start is DuckDB's date_trunc('quarter', month_start).
SELECT 'quarter', quarter_start, DATEADD(day, -1, DATEADD(month, 3, quarter_start)), segment_type, segment, measure, SUM(value)
FROM seg GROUP BY quarter_start, segment_type, segment, measure;
