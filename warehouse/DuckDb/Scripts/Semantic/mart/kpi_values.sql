-- One row per KPI × grain (day, week, month, quarter) × period × segment: the summed numerator and denominator and the value computed from
-- them (never an average of daily ratios). Non-additive KPIs (users, new users) appear only at the grain GA4
-- counted them (day × channel); reach and frequency live in mart.ad_reach_daily at Meta's grain.
--
-- Coverage (SEMANTICS.md, "Coverage and finality"): each row says on how many of the period's days every source
-- its KPI needs was loaded (dw.kpi_coverage_daily) and whether it is complete, partial or provisional, and why. A
-- ratio sums numerator and denominator over the covered (aligned) days only; a sum adds what is loaded. Days are
-- grouped into the few distinct sets of KPIs they do not cover (class_id), so alignment costs one extra group key.
CREATE OR REPLACE VIEW mart.kpi_values AS
WITH today AS (
    SELECT {{reporting_date(timezone('UTC', now()))}} AS today FROM dw.settings AS s
),
-- Read once: the coverage views are small but not free (they look at sync runs, facts and FX).
-- A whole build reads the dw views, not the mart.kpi_coverage_* tables: over the tables' statistics DuckDB planned
-- the full build of this mart past its 1.8 GB query memory on the 10M-row bench world (tried twice; make bench's
-- whole rebuild failed with "failed to pin block"). A range refresh, which has just refreshed those tables in its
-- transaction (dependency order: they are named here), reads the tables: the same rows, and query_table binds only
-- the one named, so the views are not even planned (this mart 2.0 -> 1.9 s in a range refresh of the bench world).
cov AS MATERIALIZED (
    SELECT kpi_id, date, covered, provisional
    FROM query_table(CASE WHEN {{refresh_from}} = DATE '0001-01-01' THEN 'dw.kpi_coverage_daily' ELSE 'mart.kpi_coverage_daily' END)
),
issues AS MATERIALIZED (
    SELECT kpi_id, date, issue, subject, open_deals
    FROM query_table(CASE WHEN {{refresh_from}} = DATE '0001-01-01' THEN 'dw.kpi_coverage_issues' ELSE 'mart.kpi_coverage_issues' END)
),
-- dw.dim_date named once: DuckDB binds a view again at every mention, and this one reads every staging table.
days AS (
    SELECT date, iso_week_start, month_start, month_end, quarter_start, quarter_end FROM dw.dim_date
),
day_class AS (
    SELECT date, CAST(dense_rank() OVER (ORDER BY uncovered) AS INTEGER) AS class_id
    FROM (
        SELECT date, COALESCE(string_agg(kpi_id, ',' ORDER BY kpi_id) FILTER (WHERE NOT covered), '') AS uncovered
        FROM cov GROUP BY date
    ) AS u
),
-- KPIs a class of days does not cover; class 0 (days after today or outside dim_date) covers none.
class_gap AS (
    SELECT DISTINCT dc.class_id, c.kpi_id
    FROM cov AS c JOIN day_class AS dc ON dc.date = c.date
    WHERE NOT c.covered
    UNION ALL
    SELECT DISTINCT 0, kpi_id FROM cov
),
-- Each day's sums by segment are mart.kpi_measures' day rows (the same segment families, computed just before this
-- mart in a refresh); a day's coverage class is a function of its date, so it is joined to those sums instead of
-- grouping every segment row of mart.kpi_measure_daily again (range refresh of the 10M-row bench world: ~3.3M rows).
-- Weeks, months and quarters add up these day sums (exact: the values are DECIMAL).
daily AS MATERIALIZED (
    SELECT d.date, d.iso_week_start, d.month_start, d.month_end, d.quarter_start, d.quarter_end,
           km.segment_type, km.segment, COALESCE(dc.class_id, 0) AS class_id, km.measure, km.value
    FROM mart.kpi_measures AS km
    JOIN days AS d ON d.date = km.period_start
    LEFT JOIN day_class AS dc ON dc.date = km.period_start
    -- A period's row reads its own days only: a range refresh (from a quarter's start) reads no earlier day.
    WHERE km.grain = 'day' AND km.period_start >= {{refresh_from}}
),
measures AS (
    SELECT 'day' AS grain, date AS period_start, date AS period_end, segment_type, segment, class_id, measure, value
    FROM daily
    UNION ALL
    SELECT 'week', iso_week_start, CAST(iso_week_start + 6 AS DATE), segment_type, segment, class_id, measure, sum(value)
    FROM daily GROUP BY ALL
    UNION ALL
    SELECT 'month', month_start, month_end, segment_type, segment, class_id, measure, sum(value)
    FROM daily GROUP BY ALL
    UNION ALL
    -- The quarter's bounds come from dim_date: a refresh's filter on period_end is pushed below this GROUP BY, and
    -- computing them per row there took about a second on the 10M-row bench world.
    SELECT 'quarter', quarter_start, quarter_end, segment_type, segment, class_id, measure, sum(value)
    FROM daily GROUP BY ALL
),
sums AS (
    SELECT m.grain, m.period_start, m.period_end, m.segment_type, m.segment, t.kpi_id,
           -- A side none of whose measures has a row here is unknown (NULL), not 0: no spend data is not free.
           -- Ratios count only the days that cover the KPI (aligned); sums count every loaded day.
           CASE WHEN count(*) FILTER (WHERE t.numerator_coefficient <> 0 AND (k.denominator IS NULL OR g.kpi_id IS NULL)) > 0
                THEN sum(m.value * t.numerator_coefficient) FILTER (WHERE k.denominator IS NULL OR g.kpi_id IS NULL) END AS numerator,
           CASE WHEN count(*) FILTER (WHERE t.denominator_coefficient <> 0 AND g.kpi_id IS NULL) > 0
                THEN sum(m.value * t.denominator_coefficient) FILTER (WHERE g.kpi_id IS NULL) END AS denominator
    FROM measures AS m
    JOIN dw.kpi_formula_terms AS t ON t.measure = m.measure
    JOIN mart.kpi_catalog AS k ON k.kpi_id = t.kpi_id
    LEFT JOIN class_gap AS g ON g.class_id = m.class_id AND g.kpi_id = t.kpi_id
    GROUP BY ALL
),
fetched AS (
    SELECT 'day' AS grain, date AS period_start, date AS period_end, 'channel' AS segment_type, channel AS segment,
           kpi_id, CAST(sum(value) AS DECIMAL(38, 9)) AS numerator, CAST(NULL AS DECIMAL(38, 9)) AS denominator
    FROM dw.fact_web_users_daily
    UNPIVOT (value FOR kpi_id IN (total_users AS 'users', new_users AS 'new_users'))
    GROUP BY ALL
),
sessions AS (
    SELECT grain, period_start, period_end, segment_type, segment, sum(value) AS value
    FROM measures WHERE measure = 'sessions' AND segment_type IN ('all', 'channel')
    GROUP BY ALL
),
share AS (
    SELECT c.grain, c.period_start, c.period_end, c.segment_type, c.segment, 'channel_session_share' AS kpi_id,
           c.value AS numerator, a.value AS denominator
    FROM sessions AS c
    JOIN sessions AS a ON a.grain = c.grain AND a.period_start = c.period_start AND a.segment_type = 'all'
    WHERE c.segment_type = 'channel'
),
all_rows AS (
    SELECT * FROM sums
    UNION ALL SELECT * FROM fetched
    UNION ALL SELECT * FROM share
),
-- Every day of dim_date in each period it belongs to.
periods AS (
    SELECT 'day' AS grain, date AS period_start, date FROM days
    UNION ALL SELECT 'week', iso_week_start, date FROM days
    UNION ALL SELECT 'month', month_start, date FROM days
    UNION ALL SELECT 'quarter', quarter_start, date FROM days
),
coverage AS (
    SELECT p.grain, p.period_start, c.kpi_id,
           CAST(count(*) FILTER (WHERE c.covered) AS INTEGER) AS covered_days,
           bool_or(c.covered AND c.provisional) AS provisional
    FROM cov AS c JOIN periods AS p ON p.date = c.date
    GROUP BY ALL
),
gap_spans AS (
    SELECT p.grain, p.period_start, i.kpi_id, i.issue, i.subject, min(i.date) AS first_day, max(i.date) AS last_day,
           count(DISTINCT i.date) AS days, sum(i.open_deals) AS open_deals
    FROM issues AS i JOIN periods AS p ON p.date = i.date
    GROUP BY ALL
),
reasons AS (
    SELECT grain, period_start, kpi_id,
           string_agg(CASE issue
                          WHEN 'not loaded' THEN subject || ' not loaded ' || strftime(first_day, '%Y-%m-%d')
                               || CASE WHEN last_day > first_day THEN '..' || strftime(last_day, '%Y-%m-%d') ELSE '' END
                          WHEN 'no FX rate' THEN 'no FX rate for ' || subject || ' on ' || CAST(days AS VARCHAR) || CASE WHEN days = 1 THEN ' day' ELSE ' days' END
                      END, '; ' ORDER BY issue, subject) AS gaps,
           sum(open_deals) FILTER (WHERE issue = 'provisional') AS open_deals,
           string_agg(subject, ', ' ORDER BY subject) FILTER (WHERE issue = 'provisional' AND open_deals = 0) AS restating
    FROM gap_spans
    GROUP BY ALL
),
judged AS (
    SELECT r.*,
           CAST(r.period_end - r.period_start + 1 AS INTEGER) AS period_days,
           COALESCE(c.covered_days, 0) AS covered_days,
           COALESCE(c.provisional, false) AS provisional,
           t.today,
           rs.gaps, rs.open_deals, rs.restating
    FROM all_rows AS r
    CROSS JOIN today AS t
    LEFT JOIN coverage AS c ON c.grain = r.grain AND c.period_start = r.period_start AND c.kpi_id = r.kpi_id
    LEFT JOIN reasons AS rs ON rs.grain = r.grain AND rs.period_start = r.period_start AND rs.kpi_id = r.kpi_id
)
SELECT
    r.grain,
    r.period_start,
    r.period_end,
    r.segment_type,
    r.segment,
    r.kpi_id,
    k.name                                                           AS kpi_name,
    k.unit,
    CASE WHEN k.unit = 'Currency' THEN s.reporting_currency END      AS currency,
    r.numerator,
    CASE WHEN k.denominator IS NOT NULL OR r.kpi_id = 'channel_session_share' THEN r.denominator END AS denominator,
    CASE WHEN x.cost_scope_note IS NULL THEN
    {{kpi_value(r.numerator, r.denominator, k.denominator IS NULL AND r.kpi_id <> 'channel_session_share')}}
    END AS value,
    r.covered_days = r.period_days                                   AS period_complete,
    CAST(r.covered_days AS DOUBLE) / r.period_days                   AS coverage,
    r.covered_days,
    r.period_days,
    CASE WHEN r.covered_days < r.period_days THEN 'partial' WHEN r.provisional THEN 'provisional' ELSE 'complete' END AS status,
    NULLIF(concat_ws('; ',
        x.cost_scope_note,
        CASE WHEN r.covered_days < r.period_days AND r.period_end > r.today
             THEN 'period in progress: ' || CAST(greatest(r.today - r.period_start + 1, 0) AS VARCHAR) || ' of ' || CAST(r.period_days AS VARCHAR) || ' days' END,
        CASE WHEN r.covered_days < r.period_days THEN r.gaps END,
        CASE WHEN r.covered_days = r.period_days AND r.provisional THEN
             NULLIF(concat_ws('; ',
                 CASE WHEN r.open_deals > 0 THEN 'provisional: ' || CAST(r.open_deals AS VARCHAR) || ' deals created in the period still open' END,
                 CASE WHEN r.restating IS NOT NULL THEN 'provisional: ' || r.restating || ' may still restate days of the period' END), '')
        END), '') AS status_reason
FROM judged AS r
JOIN mart.kpi_catalog AS k ON k.kpi_id = r.kpi_id
CROSS JOIN dw.settings AS s
-- Cost scope per channel: a channel nothing can attribute revenue or leads to, or one with no cost source, has no
-- meaningful ROI, ROAS, CAC or CPL (never −100 % or infinite).
-- Over the whole history (dw.dim_channel's notes), read from mart.kpi_measure_context, which the refresh recomputes
-- first and compares: a change recomputes every mart.
LEFT JOIN (SELECT k AS channel, NULLIF(label, '') AS cost_scope_note FROM mart.kpi_measure_context WHERE family = 'cost_scope') AS x
  ON r.segment_type = 'channel' AND x.channel = r.segment AND k.cost_scope IN ('blended', 'paid');
