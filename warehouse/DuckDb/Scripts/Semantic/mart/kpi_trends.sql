-- Period-over-period and year-over-year comparison of every mart.kpi_values row, plus the catalog KPI sales_growth
-- (revenue against the previous period), which is published here rather than in mart.kpi_values.
-- Like for like (warehouse/SEMANTICS.md, "Trends"):
-- * the previous period is the one just before (day, ISO week, month, quarter); the year before is the same date one
--   year earlier (29 Feb → 28 Feb), the same month or quarter, and for weeks ISO week N of the previous ISO year
--   (2026-W53 has no twin: NULL, never 2026-W01);
-- * when the two periods' covered days differ (a 25-day September, a one-day first week, the running month), counts
--   and sums are compared per covered day; ratios are per unit already and compare as they are;
-- * a period without a value or without a covered day is not comparable (change NULL), never compared as 0.
-- The comparisons join every row with two others: they carry keys and figures only (v, sales_growth, r), and the
-- rows computed take their other columns from mart.kpi_values at the end. A range refresh reads only the periods
-- the rows it writes ({{refresh_from}}, {{refresh_first_day}}) compare with (wanted), and its filter on period_end
-- reaches the rows compared. Filtering those here instead (WHERE written) was ~0.1 s faster in a range refresh of
-- the 10M-row bench world, but it turned the whole build's joins around and past its 1.8 GB query memory.
CREATE OR REPLACE VIEW mart.kpi_trends AS
-- Each period of mart.kpi_values once, with the periods it compares with: a few thousand rows, where computing the
-- dates per row took ~0.2 s of a range refresh on the 10M-row bench world.
WITH periods AS MATERIALIZED (
    SELECT
        grain, period_start, any_value(period_end) AS period_end,
        CASE grain
            WHEN 'day'  THEN CAST(period_start - 1 AS DATE)
            WHEN 'week' THEN CAST(period_start - 7 AS DATE)
            WHEN 'quarter' THEN CAST(period_start - INTERVAL 3 MONTH AS DATE)
            ELSE CAST(period_start - INTERVAL 1 MONTH AS DATE)
        END AS previous_period_start,
        CASE grain
            -- The same date a year earlier; 29 February falls back to 28 February.
            WHEN 'day' THEN CAST(period_start - INTERVAL 1 YEAR AS DATE)
            -- ISO week N of the previous ISO year starts 52 or 53 weeks earlier; the ISO year of a Monday is the
            -- calendar year of its Thursday. Neither candidate matches for week 53 of a long year.
            WHEN 'week' THEN CASE
                WHEN year(period_start - 364 + 3) = year(period_start + 3) - 1 AND week(period_start - 364) = week(period_start)
                    THEN CAST(period_start - 364 AS DATE)
                WHEN year(period_start - 371 + 3) = year(period_start + 3) - 1 AND week(period_start - 371) = week(period_start)
                    THEN CAST(period_start - 371 AS DATE)
            END
            ELSE CAST(period_start - INTERVAL 12 MONTH AS DATE)
        END AS last_year_period_start,
        -- The periods a range refresh rewrites: from its first period's start, ending on or after its first day
        -- (every period when neither is set).
        period_start >= {{refresh_from}} AND (any_value(period_end) >= {{refresh_first_day}} OR any_value(period_end) IS NULL) AS written
    FROM mart.kpi_values
    -- A row compares with the previous period and the year before (ISO week N of the previous year: up to 371 days
    -- back), and sales growth's year before is itself a growth over the period before that (a quarter: 15 months
    -- back): 15 months before a range refresh's first day are all it reads.
    WHERE period_start >= {{refresh_from(15)}}
    GROUP BY grain, period_start
),
-- The periods read: those written, the periods they compare with, and for sales growth (itself compared) the period
-- before each of those. Of the 15 months, a daily refresh reads about a third (bench world: 0.9 of 2.9M rows).
-- A few hundred periods, joined with the rows as a table of its own: in a semi join DuckDB built its hash table on
-- the 2.9M rows instead (0.6 s).
wanted AS MATERIALIZED (
    SELECT p.grain, p.period_start, p.period_end, p.previous_period_start, p.last_year_period_start,
           -- Whether a written period compares with this one, as its previous period or its year before: each
           -- comparison then builds its hash table on those rows only (a daily refresh: ~0.33 of 0.88M rows each).
           pw.grain IS NOT NULL AS is_previous, yw.grain IS NOT NULL AS is_last_year
    FROM periods AS p
    SEMI JOIN (
        SELECT grain, period_start FROM periods WHERE written
        UNION SELECT grain, previous_period_start FROM periods WHERE written
        UNION SELECT grain, last_year_period_start FROM periods WHERE written
        UNION
        SELECT b.grain, b.previous_period_start
        FROM periods AS w
        JOIN periods AS b ON b.grain = w.grain AND b.period_start IN (w.previous_period_start, w.last_year_period_start)
        WHERE w.written
    ) AS r ON r.grain = p.grain AND r.period_start = p.period_start
    LEFT JOIN (SELECT DISTINCT grain, previous_period_start FROM periods WHERE written) AS pw
      ON pw.grain = p.grain AND pw.previous_period_start = p.period_start
    LEFT JOIN (SELECT DISTINCT grain, last_year_period_start FROM periods WHERE written) AS yw
      ON yw.grain = p.grain AND yw.last_year_period_start = p.period_start
),
v AS MATERIALIZED (
    SELECT
        kv.grain, kv.period_start, kv.segment_type, kv.segment, kv.kpi_id, kv.numerator, kv.value, kv.covered_days,
        -- Counts and sums grow with the days covered; ratios do not.
        (k.denominator IS NULL OR k.denominator = '') AND kv.kpi_id <> 'channel_session_share' AS per_day_able,
        -- period_end rides along so that a refresh's filter on it reaches the rows compared, not only the output.
        p.period_end, p.previous_period_start, p.last_year_period_start, p.is_previous, p.is_last_year
    FROM mart.kpi_values AS kv
    JOIN wanted AS p ON p.grain = kv.grain AND p.period_start = kv.period_start
    JOIN mart.kpi_catalog AS k ON k.kpi_id = kv.kpi_id
    WHERE kv.period_start >= {{refresh_from(15)}}
),
-- Sales growth = (revenue − previous revenue) / previous revenue, per covered day when the periods' covered days differ.
sales_growth AS (
    SELECT
        c.grain, c.period_start, c.segment_type, c.segment,
        k.kpi_id,
        CASE WHEN b.basis = 'per_day' THEN c.numerator / c.covered_days - p.numerator / p.covered_days
             WHEN b.basis = 'full' THEN c.numerator - p.numerator END        AS numerator,
        CASE WHEN b.basis = 'per_day' THEN p.numerator / p.covered_days
             WHEN b.basis = 'full' THEN p.numerator END                      AS denominator,
        CAST(CASE
            WHEN b.basis = 'per_day' THEN k.scale * (c.numerator / c.covered_days - p.numerator / p.covered_days) / NULLIF(p.numerator / p.covered_days, 0)
            WHEN b.basis = 'full' THEN k.scale * (c.numerator - p.numerator) / NULLIF(p.numerator, 0)
        END AS DOUBLE)                                                       AS value,
        c.covered_days,
        false                                                                AS per_day_able,
        c.previous_period_start,
        c.last_year_period_start,
        c.period_end, c.is_previous, c.is_last_year
    FROM v AS c
    JOIN mart.kpi_catalog AS k ON k.kpi_id = 'sales_growth'
    LEFT JOIN v AS p
      ON p.kpi_id = 'revenue' AND p.grain = c.grain AND p.segment_type = c.segment_type AND p.segment = c.segment
     AND p.period_start = c.previous_period_start
    CROSS JOIN LATERAL (
        SELECT CASE
            WHEN p.numerator IS NULL OR c.numerator IS NULL OR c.covered_days = 0 OR p.covered_days = 0 THEN 'not_comparable'
            WHEN c.covered_days <> p.covered_days THEN 'per_day'
            ELSE 'full'
        END AS basis
    ) AS b
    WHERE c.kpi_id = 'revenue'
),
r AS MATERIALIZED (
    SELECT * FROM v
    UNION ALL BY NAME
    SELECT * FROM sales_growth
),
compared AS (
    SELECT r.*,
           p.value AS previous_value, p.covered_days AS previous_covered_days,
           y.value AS last_year_value, y.covered_days AS last_year_covered_days,
           -- How each comparison is made: as they are, per covered day, or not at all.
           CASE
               WHEN r.value IS NULL OR p.value IS NULL THEN 'not_comparable'
               WHEN r.covered_days = 0 OR p.covered_days = 0 THEN 'not_comparable'
               WHEN r.per_day_able AND r.covered_days <> p.covered_days THEN 'per_day'
               ELSE 'full'
           END AS comparison_basis,
           CASE
               WHEN r.value IS NULL OR y.value IS NULL THEN 'not_comparable'
               WHEN r.covered_days = 0 OR y.covered_days = 0 THEN 'not_comparable'
               WHEN r.per_day_able AND r.covered_days <> y.covered_days THEN 'per_day'
               ELSE 'full'
           END AS yoy_basis
    FROM r
    LEFT JOIN (SELECT * FROM r WHERE is_previous) AS p
      ON p.grain = r.grain AND p.segment_type = r.segment_type AND p.segment = r.segment AND p.kpi_id = r.kpi_id
     AND p.period_start = r.previous_period_start
    LEFT JOIN (SELECT * FROM r WHERE is_last_year) AS y
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
    k.name AS kpi_name,
    k.unit,
    CASE WHEN c.kpi_id = 'sales_growth' THEN NULL ELSE kv.currency END AS currency,
    c.numerator,
    CASE WHEN c.kpi_id = 'sales_growth' THEN c.denominator ELSE kv.denominator END AS denominator,
    c.value,
    kv.period_complete,
    kv.coverage,
    kv.covered_days,
    kv.period_days,
    kv.status,
    kv.status_reason,
    CASE c.grain WHEN 'day' THEN 'DoD' WHEN 'week' THEN 'WoW' WHEN 'quarter' THEN 'QoQ' ELSE 'MoM' END AS comparison,
    c.previous_period_start,
    c.previous_value,
    c.previous_covered_days,
    c.comparison_basis,
    CASE c.comparison_basis
        WHEN 'per_day' THEN 'per covered day: ' || CAST(c.covered_days AS VARCHAR) || ' days against ' || CAST(c.previous_covered_days AS VARCHAR)
        WHEN 'not_comparable' THEN CASE
            WHEN c.value IS NULL THEN 'no value in this period'
            WHEN c.previous_value IS NULL THEN 'no value in the previous period'
            ELSE 'no covered day in ' || CASE WHEN c.covered_days = 0 THEN 'this period' ELSE 'the previous period' END
        END
    END                                                                                    AS comparison_note,
    CAST(CASE c.comparison_basis
        WHEN 'full' THEN c.value - c.previous_value
        WHEN 'per_day' THEN c.value / c.covered_days - c.previous_value / c.previous_covered_days
    END AS DOUBLE)                                                                         AS change,
    CAST(CASE c.comparison_basis
        WHEN 'full' THEN (c.value - c.previous_value) / NULLIF(abs(c.previous_value), 0)
        WHEN 'per_day' THEN (c.value / c.covered_days - c.previous_value / c.previous_covered_days) / NULLIF(abs(c.previous_value / c.previous_covered_days), 0)
    END AS DOUBLE)                                                                         AS change_pct,
    c.last_year_period_start,
    c.last_year_value,
    c.yoy_basis,
    CAST(CASE c.yoy_basis
        WHEN 'full' THEN (c.value - c.last_year_value) / NULLIF(abs(c.last_year_value), 0)
        WHEN 'per_day' THEN (c.value / c.covered_days - c.last_year_value / c.last_year_covered_days) / NULLIF(abs(c.last_year_value / c.last_year_covered_days), 0)
    END AS DOUBLE)                                                                         AS yoy_change_pct
FROM compared AS c
-- The row itself, or for sales growth the revenue row it is computed from (its period, coverage and status).
JOIN mart.kpi_values AS kv
  ON kv.grain = c.grain AND kv.period_start = c.period_start AND kv.segment_type = c.segment_type
 AND kv.segment IS NOT DISTINCT FROM c.segment AND kv.kpi_id = CASE WHEN c.kpi_id = 'sales_growth' THEN 'revenue' ELSE c.kpi_id END
JOIN mart.kpi_catalog AS k ON k.kpi_id = c.kpi_id;
