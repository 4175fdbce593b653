-- One row per KPI × grain (day, week, month, quarter) × period × segment: the summed numerator and denominator and the value computed from
-- them (never an average of daily ratios). Non-additive KPIs (users, new users) appear only at the grain GA4
-- counted them (day × channel); reach and frequency live in mart.ad_reach_daily at Meta's grain.
CREATE OR REPLACE VIEW mart.kpi_values AS
WITH sums AS (
    SELECT m.grain, m.period_start, m.period_end, m.segment_type, m.segment, t.kpi_id,
           -- A side none of whose measures has a row here is unknown (NULL), not 0: no spend data is not free.
           CASE WHEN count(*) FILTER (WHERE t.numerator_coefficient <> 0) > 0 THEN sum(m.value * t.numerator_coefficient) END AS numerator,
           CASE WHEN count(*) FILTER (WHERE t.denominator_coefficient <> 0) > 0 THEN sum(m.value * t.denominator_coefficient) END AS denominator
    FROM mart.kpi_measures AS m
    JOIN dw.kpi_formula_terms AS t ON t.measure = m.measure
    GROUP BY ALL
),
fetched AS (
    SELECT 'day' AS grain, date AS period_start, date AS period_end, 'channel' AS segment_type, channel AS segment,
           kpi_id, CAST(sum(value) AS DECIMAL(38, 9)) AS numerator, CAST(NULL AS DECIMAL(38, 9)) AS denominator
    FROM dw.fact_web_users_daily
    UNPIVOT (value FOR kpi_id IN (total_users AS 'users', new_users AS 'new_users'))
    GROUP BY ALL
),
share AS (
    SELECT c.grain, c.period_start, c.period_end, c.segment_type, c.segment, 'channel_session_share' AS kpi_id,
           c.value AS numerator, a.value AS denominator
    FROM mart.kpi_measures AS c
    JOIN mart.kpi_measures AS a
      ON a.grain = c.grain AND a.period_start = c.period_start AND a.segment_type = 'all' AND a.measure = 'sessions'
    WHERE c.segment_type = 'channel' AND c.measure = 'sessions'
),
all_rows AS (
    SELECT * FROM sums
    UNION ALL SELECT * FROM fetched
    UNION ALL SELECT * FROM share
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
    {{kpi_value(r.numerator, r.denominator, k.denominator IS NULL AND r.kpi_id <> 'channel_session_share')}} AS value,
    COALESCE(r.period_start >= f.first_date AND r.period_end <= f.last_date, false) AS period_complete
FROM all_rows AS r
JOIN mart.kpi_catalog AS k ON k.kpi_id = r.kpi_id
CROSS JOIN dw.settings AS s
LEFT JOIN (SELECT min(date) AS first_date, max(date) AS last_date FROM dw.kpi_measure_daily WHERE platform IN ('ga4', 'meta')) AS f ON true;
