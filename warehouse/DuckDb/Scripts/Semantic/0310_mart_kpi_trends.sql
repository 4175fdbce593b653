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
COMMENT ON VIEW mart.kpi_trends IS 'Every row of mart.kpi_values with the previous period (day over day, week over week, month over month, quarter over quarter) and the same period a year earlier (364 days for days and weeks, 12 months for months and quarters) of the same KPI and segment, plus the KPI sales_growth = (revenue − previous period revenue) / previous period revenue. Comparison values are NULL when the other period has no row. Check period_complete: the running period is compared with a whole one.';
COMMENT ON COLUMN mart.kpi_trends.grain IS 'day, week (ISO, Monday start), month or quarter.';
COMMENT ON COLUMN mart.kpi_trends.period_start IS 'First day of the period.';
COMMENT ON COLUMN mart.kpi_trends.period_end IS 'Last day of the period.';
COMMENT ON COLUMN mart.kpi_trends.segment_type IS 'all, channel, campaign, device or country.';
COMMENT ON COLUMN mart.kpi_trends.segment IS 'The channel, campaign (conformed UTM name), device or country; All for segment_type all.';
COMMENT ON COLUMN mart.kpi_trends.kpi_id IS 'Catalog id of the KPI (mart.kpi_catalog); sales_growth rows are derived from revenue here.';
COMMENT ON COLUMN mart.kpi_trends.kpi_name IS 'Catalog name of the KPI.';
COMMENT ON COLUMN mart.kpi_trends.unit IS 'Unit of value: Count, Currency, Ratio, Seconds, Days or Score.';
COMMENT ON COLUMN mart.kpi_trends.currency IS 'The reporting currency for money KPIs, else NULL.';
COMMENT ON COLUMN mart.kpi_trends.numerator IS 'As in mart.kpi_values; for sales_growth: revenue − previous period revenue.';
COMMENT ON COLUMN mart.kpi_trends.denominator IS 'As in mart.kpi_values; for sales_growth: previous period revenue (NULL when that period has no revenue row).';
COMMENT ON COLUMN mart.kpi_trends.value IS 'The KPI value of this period, as in mart.kpi_values; for sales_growth numerator / denominator (NULL when previous revenue is missing or 0).';
COMMENT ON COLUMN mart.kpi_trends.period_complete IS 'False while the period reaches past the last day GA4 data is loaded for; such a period is compared with a whole one.';
COMMENT ON COLUMN mart.kpi_trends.comparison IS 'Label of the period-over-period comparison: DoD (day), WoW (week), MoM (month) or QoQ (quarter).';
COMMENT ON COLUMN mart.kpi_trends.previous_period_start IS 'Start of the period compared with: the day before, the week before or the month before.';
COMMENT ON COLUMN mart.kpi_trends.previous_value IS 'Value of the same KPI and segment in the previous period; NULL when that period has no row.';
COMMENT ON COLUMN mart.kpi_trends.change IS 'value − previous_value, in the KPI''s unit.';
COMMENT ON COLUMN mart.kpi_trends.change_pct IS '(value − previous_value) / |previous_value| as a fraction (0.1 = +10 %); NULL when previous_value is NULL or 0.';
COMMENT ON COLUMN mart.kpi_trends.last_year_period_start IS 'Start of the same period a year earlier: 364 days back for days and weeks (same weekday, same ISO week start), 12 months back for months and quarters.';
COMMENT ON COLUMN mart.kpi_trends.last_year_value IS 'Value of the same KPI and segment in the period a year earlier; NULL when that period has no row.';
COMMENT ON COLUMN mart.kpi_trends.yoy_change_pct IS '(value − last_year_value) / |last_year_value| as a fraction; NULL when last_year_value is NULL or 0.';
