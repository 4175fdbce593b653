-- Base measures summed at every grain analysts ask for: day, ISO week and month, overall and by channel,
-- campaign, device and country. A row of dw.kpi_measure_daily joins a segment family only when its breakdown
-- allows it, so no figure is counted twice.
CREATE OR REPLACE VIEW mart.kpi_measures AS
WITH m AS (
    SELECT k.*
    FROM mart.kpi_measure_daily AS k
    -- A period's row reads its own days only: a range refresh (from a quarter's start) reads no earlier day.
    WHERE k.date >= {{refresh_from}}
),
seg AS (
    SELECT date, measure, value, 'all' AS segment_type, 'All' AS segment
    FROM m WHERE breakdown IN ('all', 'total')
    UNION ALL
    SELECT date, measure, value, 'channel', channel
    FROM m WHERE breakdown IN ('all', 'total') AND channel IS NOT NULL
    UNION ALL
    SELECT date, measure, value, 'campaign', campaign
    FROM m WHERE breakdown IN ('all', 'total') AND campaign IS NOT NULL
    UNION ALL
    SELECT date, measure, value, 'device', device
    FROM m WHERE breakdown IN ('all', 'device') AND device IS NOT NULL
    UNION ALL
    SELECT date, measure, value, 'country', country
    FROM m WHERE breakdown IN ('all', 'country') AND country IS NOT NULL
),
-- Each day's sums once; weeks, months and quarters add up those (exact: DECIMAL), as in mart.kpi_values.
daily AS MATERIALIZED (
    SELECT s.date, d.iso_week_start, d.month_start, d.month_end, d.quarter_start, d.quarter_end, s.segment_type, s.segment, s.measure, s.value
    FROM (SELECT date, segment_type, segment, measure, sum(value) AS value FROM seg GROUP BY ALL) AS s
    JOIN dw.dim_date AS d ON d.date = s.date
)
SELECT 'day' AS grain, date AS period_start, date AS period_end, segment_type, segment, measure, value
FROM daily
UNION ALL
SELECT 'week', iso_week_start, CAST(iso_week_start + 6 AS DATE), segment_type, segment, measure, sum(value)
FROM daily GROUP BY ALL
UNION ALL
SELECT 'month', month_start, month_end, segment_type, segment, measure, sum(value)
FROM daily GROUP BY ALL
UNION ALL
-- The quarter's bounds from dim_date: a refresh's filter on period_end is pushed below the GROUP BY (see kpi_values).
SELECT 'quarter', quarter_start, quarter_end, segment_type, segment, measure, sum(value)
FROM daily GROUP BY ALL;
