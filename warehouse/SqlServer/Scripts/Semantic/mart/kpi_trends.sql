-- Period-over-period and year-over-year comparison of every mart.kpi_values row, plus the catalog KPI sales_growth
-- (revenue against the previous period), which is published here rather than in mart.kpi_values.
-- Like for like (warehouse/SEMANTICS.md, "Trends"):
-- * the previous period is the one just before (day, ISO week, month, quarter); the year before is the same date one
--   year earlier (29 Feb → 28 Feb), the same month or quarter, and for weeks ISO week N of the previous ISO year
--   (2026-W53 has no twin: NULL, never 2026-W01);
-- * when the two periods' covered days differ (a 25-day September, a one-day first week, the running month), counts
--   and sums are compared per covered day; ratios are per unit already and compare as they are;
-- * a period without a value or without a covered day is not comparable (change NULL), never compared as 0.
-- the optimizer expands v and r where they are used, which is correct but reads mart.kpi_values several times.
CREATE OR ALTER VIEW mart.kpi_trends AS
WITH v AS (
    SELECT
        kv.grain, kv.period_start, kv.period_end, kv.segment_type, kv.segment, kv.kpi_id, kv.kpi_name, kv.unit,
        kv.currency, kv.numerator, kv.denominator, kv.value, kv.period_complete,
        kv.coverage, kv.covered_days, kv.period_days, kv.status, kv.status_reason,
        -- Counts and sums grow with the days covered; ratios do not.
        CASE WHEN (k.denominator IS NULL OR k.denominator = '') AND kv.kpi_id <> 'channel_session_share' THEN 1 ELSE 0 END AS per_day_able,
        CASE kv.grain
            WHEN 'day'  THEN DATEADD(day, -1, kv.period_start)
            WHEN 'week' THEN DATEADD(day, -7, kv.period_start)
            WHEN 'quarter' THEN DATEADD(month, -3, kv.period_start)
            ELSE DATEADD(month, -1, kv.period_start)
        END AS previous_period_start,
        CASE kv.grain
            -- The same date a year earlier; 29 February falls back to 28 February.
            WHEN 'day' THEN DATEADD(year, -1, kv.period_start)
            -- ISO week N of the previous ISO year starts 52 or 53 weeks earlier; the ISO year of a Monday is the
            -- calendar year of its Thursday. Neither candidate matches for week 53 of a long year.
            WHEN 'week' THEN CASE
                WHEN YEAR(DATEADD(day, 3 - 364, kv.period_start)) = YEAR(DATEADD(day, 3, kv.period_start)) - 1
                 AND DATEPART(iso_week, DATEADD(day, -364, kv.period_start)) = DATEPART(iso_week, kv.period_start)
                    THEN DATEADD(day, -364, kv.period_start)
                WHEN YEAR(DATEADD(day, 3 - 371, kv.period_start)) = YEAR(DATEADD(day, 3, kv.period_start)) - 1
                 AND DATEPART(iso_week, DATEADD(day, -371, kv.period_start)) = DATEPART(iso_week, kv.period_start)
                    THEN DATEADD(day, -371, kv.period_start)
            END
            ELSE DATEADD(month, -12, kv.period_start)
        END AS last_year_period_start
    FROM mart.kpi_values AS kv
    JOIN mart.kpi_catalog AS k ON k.kpi_id = kv.kpi_id
    -- A row compares with the previous period and the year before (ISO week N of the previous year: up to 371 days
    -- back), and sales growth's year before is itself a growth over the period before that (a quarter: 15 months
    -- back): 15 months before a range refresh's first day are all it reads.
    WHERE kv.period_start >= {{refresh_from(15)}}
),
-- Sales growth = (revenue − previous revenue) / previous revenue, per covered day when the periods' covered days differ.
sales_growth AS (
    SELECT
        c.grain, c.period_start, c.period_end, c.segment_type, c.segment,
        k.kpi_id,
        k.name                                                               AS kpi_name,
        k.unit,
        CAST(NULL AS nvarchar(16))                                           AS currency,
        CAST(CASE WHEN b.basis = 'per_day' THEN c.numerator / c.covered_days - p.numerator / p.covered_days
                  WHEN b.basis = 'full' THEN c.numerator - p.numerator END AS decimal(38, 9)) AS numerator,
        CAST(CASE WHEN b.basis = 'per_day' THEN p.numerator / p.covered_days
                  WHEN b.basis = 'full' THEN p.numerator END AS decimal(38, 9))             AS denominator,
        CAST(CASE
            WHEN b.basis = 'per_day' THEN k.scale * (CAST(c.numerator AS float) / c.covered_days - CAST(p.numerator AS float) / p.covered_days)
                                          / NULLIF(CAST(p.numerator AS float) / p.covered_days, 0)
            WHEN b.basis = 'full' THEN k.scale * CAST(c.numerator - p.numerator AS float) / NULLIF(CAST(p.numerator AS float), 0)
        END AS float)                                                        AS value,
        c.period_complete, c.coverage, c.covered_days, c.period_days, c.status, c.status_reason,
        0                                                                    AS per_day_able,
        c.previous_period_start,
        c.last_year_period_start
    FROM v AS c
    JOIN mart.kpi_catalog AS k ON k.kpi_id = 'sales_growth'
    LEFT JOIN v AS p
      ON p.kpi_id = 'revenue' AND p.grain = c.grain AND p.segment_type = c.segment_type AND p.segment = c.segment
     AND p.period_start = c.previous_period_start
    CROSS APPLY (
        SELECT CASE
            WHEN p.numerator IS NULL OR c.numerator IS NULL OR c.covered_days = 0 OR p.covered_days = 0 THEN 'not_comparable'
            WHEN c.covered_days <> p.covered_days THEN 'per_day'
            ELSE 'full'
        END AS basis
    ) AS b
    WHERE c.kpi_id = 'revenue'
),
r AS (
    SELECT grain, period_start, period_end, segment_type, segment, kpi_id, kpi_name, unit, currency, numerator, denominator,
           value, period_complete, coverage, covered_days, period_days, status, status_reason, per_day_able,
           previous_period_start, last_year_period_start
    FROM v
    UNION ALL
    SELECT grain, period_start, period_end, segment_type, segment, kpi_id, kpi_name, unit, currency, numerator, denominator,
           value, period_complete, coverage, covered_days, period_days, status, status_reason, per_day_able,
           previous_period_start, last_year_period_start
    FROM sales_growth
),
compared AS (
    SELECT r.*,
           p.value AS previous_value, p.covered_days AS previous_covered_days,
           y.value AS last_year_value, y.covered_days AS last_year_covered_days,
           -- How each comparison is made: as they are, per covered day, or not at all.
           CASE
               WHEN r.value IS NULL OR p.value IS NULL THEN 'not_comparable'
               WHEN r.covered_days = 0 OR p.covered_days = 0 THEN 'not_comparable'
               WHEN r.per_day_able = 1 AND r.covered_days <> p.covered_days THEN 'per_day'
               ELSE 'full'
           END AS comparison_basis,
           CASE
               WHEN r.value IS NULL OR y.value IS NULL THEN 'not_comparable'
               WHEN r.covered_days = 0 OR y.covered_days = 0 THEN 'not_comparable'
               WHEN r.per_day_able = 1 AND r.covered_days <> y.covered_days THEN 'per_day'
               ELSE 'full'
           END AS yoy_basis
    FROM r
    LEFT JOIN r AS p
      ON p.grain = r.grain AND p.segment_type = r.segment_type AND p.segment = r.segment AND p.kpi_id = r.kpi_id
     AND p.period_start = r.previous_period_start
    LEFT JOIN r AS y
      ON y.grain = r.grain AND y.segment_type = r.segment_type AND y.segment = r.segment AND y.kpi_id = r.kpi_id
     AND y.period_start = r.last_year_period_start
)
SELECT
    c.grain,
    c.period_start,
    c.period_end,
    c.segment_type,
    c.segment,
    c.kpi_id,
    c.kpi_name,
    c.unit,
    c.currency,
    c.numerator,
    c.denominator,
    c.value,
    c.period_complete,
    c.coverage,
    c.covered_days,
    c.period_days,
    c.status,
    c.status_reason,
    CASE c.grain WHEN 'day' THEN 'DoD' WHEN 'week' THEN 'WoW' WHEN 'quarter' THEN 'QoQ' ELSE 'MoM' END AS comparison,
    c.previous_period_start,
    c.previous_value,
    c.previous_covered_days,
    CAST(c.comparison_basis AS nvarchar(16))                                               AS comparison_basis,
    CAST(CASE c.comparison_basis
        WHEN 'per_day' THEN CONCAT('per covered day: ', c.covered_days, ' days against ', c.previous_covered_days)
        WHEN 'not_comparable' THEN CASE
            WHEN c.value IS NULL THEN 'no value in this period'
            WHEN c.previous_value IS NULL THEN 'no value in the previous period'
            ELSE CONCAT('no covered day in ', CASE WHEN c.covered_days = 0 THEN 'this period' ELSE 'the previous period' END)
        END
    END AS nvarchar(200))                                                                  AS comparison_note,
    CAST(CASE c.comparison_basis
        WHEN 'full' THEN c.value - c.previous_value
        WHEN 'per_day' THEN c.value / c.covered_days - c.previous_value / c.previous_covered_days
    END AS float)                                                                          AS change,
    CAST(CASE c.comparison_basis
        WHEN 'full' THEN (c.value - c.previous_value) / NULLIF(ABS(c.previous_value), 0)
        WHEN 'per_day' THEN (c.value / c.covered_days - c.previous_value / c.previous_covered_days) / NULLIF(ABS(c.previous_value / c.previous_covered_days), 0)
    END AS float)                                                                          AS change_pct,
    c.last_year_period_start,
    c.last_year_value,
    CAST(c.yoy_basis AS nvarchar(16))                                                      AS yoy_basis,
    CAST(CASE c.yoy_basis
        WHEN 'full' THEN (c.value - c.last_year_value) / NULLIF(ABS(c.last_year_value), 0)
        WHEN 'per_day' THEN (c.value / c.covered_days - c.last_year_value / c.last_year_covered_days) / NULLIF(ABS(c.last_year_value / c.last_year_covered_days), 0)
    END AS float)                                                                          AS yoy_change_pct
FROM compared AS c;
