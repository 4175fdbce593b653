-- Period-over-period and year-over-year comparison of every mart.kpi_values row, plus the catalog KPI sales_growth
-- (revenue against the previous period), which is published here rather than in mart.kpi_values.
-- Comparisons join on grain, segment and KPI; a period with no row for the KPI (no data) compares as NULL, never 0.
-- T-SQL twin of warehouse/DuckDb/Scripts/Semantic/0310_mart_kpi_trends.sql. SQL Server has no materialized CTEs:
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
GO
EXEC etl.set_description N'mart', N'kpi_trends', NULL, N'Every row of mart.kpi_values with the previous period (day over day, week over week, month over month, quarter over quarter) and the same period a year earlier (364 days for days and weeks, 12 months for months and quarters) of the same KPI and segment, plus the KPI sales_growth = (revenue − previous period revenue) / previous period revenue. Comparison values are NULL when the other period has no row. Check period_complete: the running period is compared with a whole one.';
EXEC etl.set_description N'mart', N'kpi_trends', N'grain', N'day, week (ISO, Monday start), month or quarter.';
EXEC etl.set_description N'mart', N'kpi_trends', N'period_start', N'First day of the period.';
EXEC etl.set_description N'mart', N'kpi_trends', N'period_end', N'Last day of the period.';
EXEC etl.set_description N'mart', N'kpi_trends', N'segment_type', N'all, channel, campaign, device or country.';
EXEC etl.set_description N'mart', N'kpi_trends', N'segment', N'The channel, campaign (conformed UTM name), device or country; All for segment_type all.';
EXEC etl.set_description N'mart', N'kpi_trends', N'kpi_id', N'Catalog id of the KPI (mart.kpi_catalog); sales_growth rows are derived from revenue here.';
EXEC etl.set_description N'mart', N'kpi_trends', N'kpi_name', N'Catalog name of the KPI.';
EXEC etl.set_description N'mart', N'kpi_trends', N'unit', N'Unit of value: Count, Currency, Ratio, Seconds, Days or Score.';
EXEC etl.set_description N'mart', N'kpi_trends', N'currency', N'The reporting currency for money KPIs, else NULL.';
EXEC etl.set_description N'mart', N'kpi_trends', N'numerator', N'As in mart.kpi_values; for sales_growth: revenue − previous period revenue.';
EXEC etl.set_description N'mart', N'kpi_trends', N'denominator', N'As in mart.kpi_values; for sales_growth: previous period revenue (NULL when that period has no revenue row).';
EXEC etl.set_description N'mart', N'kpi_trends', N'value', N'The KPI value of this period, as in mart.kpi_values; for sales_growth numerator / denominator (NULL when previous revenue is missing or 0).';
EXEC etl.set_description N'mart', N'kpi_trends', N'period_complete', N'False while the period reaches past the last day GA4 data is loaded for; such a period is compared with a whole one.';
EXEC etl.set_description N'mart', N'kpi_trends', N'comparison', N'Label of the period-over-period comparison: DoD (day), WoW (week), MoM (month) or QoQ (quarter).';
EXEC etl.set_description N'mart', N'kpi_trends', N'previous_period_start', N'Start of the period compared with: the day before, the week before or the month before.';
EXEC etl.set_description N'mart', N'kpi_trends', N'previous_value', N'Value of the same KPI and segment in the previous period; NULL when that period has no row.';
EXEC etl.set_description N'mart', N'kpi_trends', N'change', N'value − previous_value, in the KPI''s unit.';
EXEC etl.set_description N'mart', N'kpi_trends', N'change_pct', N'(value − previous_value) / |previous_value| as a fraction (0.1 = +10 %); NULL when previous_value is NULL or 0.';
EXEC etl.set_description N'mart', N'kpi_trends', N'last_year_period_start', N'Start of the same period a year earlier: 364 days back for days and weeks (same weekday, same ISO week start), 12 months back for months and quarters.';
EXEC etl.set_description N'mart', N'kpi_trends', N'last_year_value', N'Value of the same KPI and segment in the period a year earlier; NULL when that period has no row.';
EXEC etl.set_description N'mart', N'kpi_trends', N'yoy_change_pct', N'(value − last_year_value) / |last_year_value| as a fraction; NULL when last_year_value is NULL or 0.';
GO
