-- Period-over-period and year-over-year comparison of every mart.kpi_values row, plus the catalog KPI sales_growth
-- (revenue against the previous period), which is published here rather than in mart.kpi_values.
-- Comparisons join on grain, segment and KPI; a period with no row for the KPI (no data) compares as NULL, never 0.
-- the optimizer expands v and r where they are used, which is correct but reads mart.kpi_values several times.
CREATE OR ALTER VIEW mart.kpi_trends AS
WITH v AS (
    SELECT
        kv.grain, kv.period_start, kv.period_end, kv.segment_type, kv.segment, kv.kpi_id, kv.kpi_name, kv.unit,
        kv.currency, kv.numerator, kv.denominator, kv.value, kv.period_complete,
        -- The period each row is compared with: the one just before, and the same period a year earlier.
        -- 364 days (52 weeks) keeps days on the same weekday and weeks on ISO week starts.
        CASE kv.grain
            WHEN 'day'  THEN DATEADD(day, -1, kv.period_start)
            WHEN 'week' THEN DATEADD(day, -7, kv.period_start)
            WHEN 'quarter' THEN DATEADD(month, -3, kv.period_start)
            ELSE DATEADD(month, -1, kv.period_start)
        END AS previous_period_start,
        CASE kv.grain
            WHEN 'month' THEN DATEADD(month, -12, kv.period_start)
            WHEN 'quarter' THEN DATEADD(month, -12, kv.period_start)
            ELSE DATEADD(day, -364, kv.period_start)
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
        CAST(NULL AS nvarchar(16))                                           AS currency,
        CAST(c.numerator - p.numerator AS decimal(38, 9))                    AS numerator,
        p.numerator                                                          AS denominator,
        CAST(k.scale * CAST(c.numerator - p.numerator AS float) / NULLIF(CAST(p.numerator AS float), 0) AS float) AS value,
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
r AS (
    SELECT grain, period_start, period_end, segment_type, segment, kpi_id, kpi_name, unit, currency, numerator, denominator,
           value, period_complete, previous_period_start, last_year_period_start
    FROM v
    UNION ALL
    SELECT grain, period_start, period_end, segment_type, segment, kpi_id, kpi_name, unit, currency, numerator, denominator,
           value, period_complete, previous_period_start, last_year_period_start
    FROM sales_growth
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
    (r.value - p.value) / NULLIF(ABS(p.value), 0)                    AS change_pct,
    r.last_year_period_start,
    y.value                                                          AS last_year_value,
    (r.value - y.value) / NULLIF(ABS(y.value), 0)                    AS yoy_change_pct
FROM r
LEFT JOIN r AS p
  ON p.grain = r.grain AND p.segment_type = r.segment_type AND p.segment = r.segment AND p.kpi_id = r.kpi_id
 AND p.period_start = r.previous_period_start
LEFT JOIN r AS y
  ON y.grain = r.grain AND y.segment_type = r.segment_type AND y.segment = r.segment AND y.kpi_id = r.kpi_id
 AND y.period_start = r.last_year_period_start;
