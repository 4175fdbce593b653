-- Period-over-period and year-over-year comparison of every mart.kpi_values row, plus the catalog KPI sales_growth
-- (revenue against the previous period), which is published here rather than in mart.kpi_values.
-- Comparisons join on grain, segment and KPI; a period with no row for the KPI (no data) compares as NULL, never 0.
CREATE OR REPLACE VIEW mart.kpi_trends AS
WITH v AS MATERIALIZED (
    SELECT
        kv.*,
        -- The period each row is compared with: the one just before, and the same period a year earlier.
        -- 364 days (52 weeks) keeps days on the same weekday and weeks on ISO week starts.
        CASE kv.grain
            WHEN 'day'  THEN CAST(kv.period_start - 1 AS DATE)
            WHEN 'week' THEN CAST(kv.period_start - 7 AS DATE)
            WHEN 'quarter' THEN CAST(kv.period_start - INTERVAL 3 MONTH AS DATE)
            ELSE CAST(kv.period_start - INTERVAL 1 MONTH AS DATE)
        END AS previous_period_start,
        CASE kv.grain
            WHEN 'month' THEN CAST(kv.period_start - INTERVAL 12 MONTH AS DATE)
            WHEN 'quarter' THEN CAST(kv.period_start - INTERVAL 12 MONTH AS DATE)
            ELSE CAST(kv.period_start - 364 AS DATE)
        END AS last_year_period_start
    FROM mart.kpi_values AS kv
),
-- Sales growth = (revenue − previous revenue) / previous revenue, from the summed revenue of both periods.
sales_growth AS (
    SELECT
        c.grain, c.period_start, c.period_end, c.segment_type, c.segment,
        k.kpi_id,
        k.name                                                               AS kpi_name,
        k.unit,
        CAST(NULL AS VARCHAR)                                                AS currency,
        c.numerator - p.numerator                                            AS numerator,
        p.numerator                                                          AS denominator,
        CAST(k.scale * (c.numerator - p.numerator) / NULLIF(p.numerator, 0) AS DOUBLE) AS value,
        c.period_complete,
        c.previous_period_start,
        c.last_year_period_start
    FROM v AS c
    JOIN mart.kpi_catalog AS k ON k.kpi_id = 'sales_growth'
    LEFT JOIN v AS p
      ON p.kpi_id = 'revenue' AND p.grain = c.grain AND p.segment_type = c.segment_type AND p.segment = c.segment
     AND p.period_start = c.previous_period_start
    WHERE c.kpi_id = 'revenue'
),
r AS MATERIALIZED (
    SELECT * FROM v
    UNION ALL BY NAME
    SELECT * FROM sales_growth
)
SELECT
    r.grain,
    r.period_start,
    r.period_end,
    r.segment_type,
    r.segment,
    r.kpi_id,
    r.kpi_name,
    r.unit,
    r.currency,
    r.numerator,
    r.denominator,
    r.value,
    r.period_complete,
    CASE r.grain WHEN 'day' THEN 'DoD' WHEN 'week' THEN 'WoW' WHEN 'quarter' THEN 'QoQ' ELSE 'MoM' END AS comparison,
    r.previous_period_start,
    p.value                                                          AS previous_value,
    r.value - p.value                                                AS change,
    (r.value - p.value) / NULLIF(abs(p.value), 0)                    AS change_pct,
    r.last_year_period_start,
    y.value                                                          AS last_year_value,
    (r.value - y.value) / NULLIF(abs(y.value), 0)                    AS yoy_change_pct
FROM r
LEFT JOIN r AS p
  ON p.grain = r.grain AND p.segment_type = r.segment_type AND p.segment = r.segment AND p.kpi_id = r.kpi_id
 AND p.period_start = r.previous_period_start
LEFT JOIN r AS y
  ON y.grain = r.grain AND y.segment_type = r.segment_type AND y.segment = r.segment AND y.kpi_id = r.kpi_id
 AND y.period_start = r.last_year_period_start;
