-- Every additive or ratio KPI over any date range (a campaign flight, a quarter to date), overall and per segment,
-- with the same terms and coverage as mart.kpi_values: FROM mart.kpi_over_range(DATE '2026-10-01', DATE '2026-10-31').
-- Ratios sum over the range's covered (aligned) days only; coverage counts covered days of the whole range.
CREATE OR REPLACE MACRO mart.kpi_over_range(range_start, range_end) AS TABLE
WITH cov AS (
    SELECT kpi_id, date, covered, provisional FROM dw.kpi_coverage_daily WHERE date BETWEEN range_start AND range_end
),
m AS (
    SELECT k.* FROM dw.kpi_measure_daily AS k WHERE k.date BETWEEN range_start AND range_end
),
seg AS (
    SELECT date, measure, value, 'all' AS segment_type, 'All' AS segment FROM m WHERE breakdown IN ('all', 'total')
    UNION ALL SELECT date, measure, value, 'channel', channel FROM m WHERE breakdown IN ('all', 'total') AND channel IS NOT NULL
    UNION ALL SELECT date, measure, value, 'campaign', campaign FROM m WHERE breakdown IN ('all', 'total') AND campaign IS NOT NULL
    UNION ALL SELECT date, measure, value, 'device', device FROM m WHERE breakdown IN ('all', 'device') AND device IS NOT NULL
    UNION ALL SELECT date, measure, value, 'country', country FROM m WHERE breakdown IN ('all', 'country') AND country IS NOT NULL
),
by_day AS (
    SELECT date, segment_type, segment, measure, sum(value) AS value FROM seg GROUP BY ALL
),
sums AS (
    SELECT s.segment_type, s.segment, t.kpi_id,
           CASE WHEN count(*) FILTER (WHERE t.numerator_coefficient <> 0 AND (k.denominator IS NULL OR c.covered)) > 0
                THEN sum(s.value * t.numerator_coefficient) FILTER (WHERE k.denominator IS NULL OR c.covered) END AS numerator,
           CASE WHEN count(*) FILTER (WHERE t.denominator_coefficient <> 0 AND c.covered) > 0
                THEN sum(s.value * t.denominator_coefficient) FILTER (WHERE c.covered) END AS denominator
    FROM by_day AS s
    JOIN dw.kpi_formula_terms AS t ON t.measure = s.measure
    JOIN mart.kpi_catalog AS k ON k.kpi_id = t.kpi_id
    LEFT JOIN cov AS c ON c.kpi_id = t.kpi_id AND c.date = s.date
    GROUP BY ALL
),
coverage AS (
    SELECT kpi_id, CAST(count(*) FILTER (WHERE covered) AS INTEGER) AS covered_days, bool_or(covered AND provisional) AS provisional
    FROM cov GROUP BY kpi_id
),
gap_spans AS (
    SELECT kpi_id, issue, subject, min(date) AS first_day, max(date) AS last_day, count(DISTINCT date) AS days, sum(open_deals) AS open_deals
    FROM dw.kpi_coverage_issues WHERE date BETWEEN range_start AND range_end
    GROUP BY ALL
),
reasons AS (
    SELECT kpi_id,
           string_agg(CASE issue
                          WHEN 'not loaded' THEN subject || ' not loaded ' || strftime(first_day, '%Y-%m-%d')
                               || CASE WHEN last_day > first_day THEN '..' || strftime(last_day, '%Y-%m-%d') ELSE '' END
                          WHEN 'no FX rate' THEN 'no FX rate for ' || subject || ' on ' || CAST(days AS VARCHAR) || CASE WHEN days = 1 THEN ' day' ELSE ' days' END
                      END, '; ' ORDER BY issue, subject) AS gaps,
           sum(open_deals) FILTER (WHERE issue = 'provisional') AS open_deals,
           string_agg(subject, ', ' ORDER BY subject) FILTER (WHERE issue = 'provisional' AND open_deals = 0) AS restating
    FROM gap_spans GROUP BY kpi_id
),
judged AS (
    SELECT r.*, CAST(CAST(range_end AS DATE) - CAST(range_start AS DATE) + 1 AS INTEGER) AS period_days,
           COALESCE(c.covered_days, 0) AS covered_days, COALESCE(c.provisional, false) AS provisional,
           (SELECT {{reporting_date(timezone('UTC', now()))}} FROM dw.settings AS s) AS today,
           rs.gaps, rs.open_deals, rs.restating
    FROM sums AS r
    LEFT JOIN coverage AS c ON c.kpi_id = r.kpi_id
    LEFT JOIN reasons AS rs ON rs.kpi_id = r.kpi_id
),
-- Cost scope per channel: a channel nothing can attribute revenue or leads to, or one with no cost source, has no
-- meaningful ROI, ROAS, CAC or CPL (never −100 % or infinite). A scalar subquery, not an outer join: DuckDB cannot
-- re-bind a table macro with an outer join there (the published copy recreates the macro from its definition).
scoped AS (
    SELECT r.*,
           (SELECT ch.cost_scope_note FROM dw.dim_channel AS ch
            WHERE r.segment_type = 'channel' AND ch.channel = r.segment AND k.cost_scope IN ('blended', 'paid')) AS scope_reason
    FROM judged AS r
    JOIN mart.kpi_catalog AS k ON k.kpi_id = r.kpi_id
)
SELECT CAST(range_start AS DATE) AS period_start, CAST(range_end AS DATE) AS period_end, r.segment_type, r.segment, r.kpi_id,
       k.name AS kpi_name, k.unit, CASE WHEN k.unit = 'Currency' THEN st.reporting_currency END AS currency,
       r.numerator, CASE WHEN k.denominator IS NOT NULL THEN r.denominator END AS denominator,
       CASE WHEN r.scope_reason IS NULL THEN {{kpi_value(r.numerator, r.denominator)}} END AS value,
       CAST(r.covered_days AS DOUBLE) / r.period_days AS coverage,
       r.covered_days,
       r.period_days,
       CASE WHEN r.covered_days < r.period_days THEN 'partial' WHEN r.provisional THEN 'provisional' ELSE 'complete' END AS status,
       NULLIF(concat_ws('; ',
           r.scope_reason,
           CASE WHEN r.covered_days < r.period_days AND CAST(range_end AS DATE) > r.today
                THEN 'period in progress: ' || CAST(greatest(r.today - CAST(range_start AS DATE) + 1, 0) AS VARCHAR) || ' of ' || CAST(r.period_days AS VARCHAR) || ' days' END,
           CASE WHEN r.covered_days < r.period_days THEN r.gaps END,
           CASE WHEN r.covered_days = r.period_days AND r.provisional THEN
                NULLIF(concat_ws('; ',
                    CASE WHEN r.open_deals > 0 THEN 'provisional: ' || CAST(r.open_deals AS VARCHAR) || ' deals created in the period still open' END,
                    CASE WHEN r.restating IS NOT NULL THEN 'provisional: ' || r.restating || ' may still restate days of the period' END), '')
           END), '') AS status_reason,
       r.covered_days = r.period_days AS period_complete
FROM scoped AS r
JOIN mart.kpi_catalog AS k ON k.kpi_id = r.kpi_id
CROSS JOIN dw.settings AS st;
