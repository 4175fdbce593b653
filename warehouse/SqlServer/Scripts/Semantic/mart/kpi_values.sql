-- One row per KPI × grain (day, week, month, quarter) × period × segment: the summed numerator and denominator and the value computed from
-- them (never an average of daily ratios). Non-additive KPIs (users, new users) appear only at the grain GA4
-- counted them (day × channel); reach and frequency live in mart.ad_reach_daily at Meta's grain.
--
-- Coverage (SEMANTICS.md, "Coverage and finality"): T-SQL twin of the DuckDB view. Ratios sum numerator and
-- denominator over the covered (aligned) days only; days are grouped into the few distinct sets of KPIs they do not
-- cover (class_id), so alignment costs one extra group key.
CREATE OR ALTER VIEW mart.kpi_values AS
WITH today AS (
    SELECT {{reporting_date(SYSUTCDATETIME())}} AS today FROM dw.settings AS s
),
uncovered AS (
    SELECT date, COALESCE(STRING_AGG(CASE WHEN covered = 0 THEN kpi_id END, ',') WITHIN GROUP (ORDER BY kpi_id), '') AS uncovered
    FROM dw.kpi_coverage_daily GROUP BY date
),
day_class AS (
    SELECT date, CAST(DENSE_RANK() OVER (ORDER BY uncovered) AS int) AS class_id FROM uncovered
),
class_gap AS (
    SELECT DISTINCT dc.class_id, c.kpi_id
    FROM dw.kpi_coverage_daily AS c JOIN day_class AS dc ON dc.date = c.date
    WHERE c.covered = 0
    UNION ALL
    SELECT DISTINCT 0, kpi_id FROM dw.kpi_coverage_daily
),
m AS (
    SELECT k.date, k.measure, k.value, k.breakdown, k.channel, k.campaign, k.device, k.country,
           d.iso_week_start, d.month_start, d.month_end, d.quarter_start, COALESCE(dc.class_id, 0) AS class_id
    FROM mart.kpi_measure_daily AS k
    JOIN dw.dim_date AS d ON d.date = k.date
    LEFT JOIN day_class AS dc ON dc.date = k.date
    -- A period's row reads its own days only: a range refresh (from a quarter's start) reads no earlier day.
    WHERE k.date >= {{refresh_from}}
),
seg AS (
    SELECT date, iso_week_start, month_start, month_end, quarter_start, class_id, measure, value, 'all' AS segment_type, 'All' AS segment
    FROM m WHERE breakdown IN ('all', 'total')
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, quarter_start, class_id, measure, value, 'channel', channel
    FROM m WHERE breakdown IN ('all', 'total') AND channel IS NOT NULL
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, quarter_start, class_id, measure, value, 'campaign', campaign
    FROM m WHERE breakdown IN ('all', 'total') AND campaign IS NOT NULL
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, quarter_start, class_id, measure, value, 'device', device
    FROM m WHERE breakdown IN ('all', 'device') AND device IS NOT NULL
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, quarter_start, class_id, measure, value, 'country', country
    FROM m WHERE breakdown IN ('all', 'country') AND country IS NOT NULL
),
measures AS (
    SELECT 'day' AS grain, date AS period_start, date AS period_end, segment_type, segment, class_id, measure, SUM(value) AS value
    FROM seg GROUP BY date, segment_type, segment, class_id, measure
    UNION ALL
    SELECT 'week', iso_week_start, DATEADD(day, 6, iso_week_start), segment_type, segment, class_id, measure, SUM(value)
    FROM seg GROUP BY iso_week_start, segment_type, segment, class_id, measure
    UNION ALL
    SELECT 'month', month_start, month_end, segment_type, segment, class_id, measure, SUM(value)
    FROM seg GROUP BY month_start, month_end, segment_type, segment, class_id, measure
    UNION ALL
    SELECT 'quarter', quarter_start, DATEADD(day, -1, DATEADD(month, 3, quarter_start)), segment_type, segment, class_id, measure, SUM(value)
    FROM seg GROUP BY quarter_start, segment_type, segment, class_id, measure
),
terms AS (
    SELECT m.grain, m.period_start, m.period_end, m.segment_type, m.segment, t.kpi_id, t.numerator_coefficient, t.denominator_coefficient,
           CAST(m.value AS decimal(28, 9)) AS value,
           -- Ratios count only the days that cover the KPI (aligned); sums count every loaded day.
           CASE WHEN g.kpi_id IS NULL THEN 1 ELSE 0 END AS aligned,
           CASE WHEN k.denominator IS NULL THEN 1 ELSE 0 END AS is_sum
    FROM measures AS m
    JOIN dw.kpi_formula_terms AS t ON t.measure = m.measure
    JOIN mart.kpi_catalog AS k ON k.kpi_id = t.kpi_id
    LEFT JOIN class_gap AS g ON g.class_id = m.class_id AND g.kpi_id = t.kpi_id
),
sums AS (
    SELECT grain, period_start, period_end, segment_type, segment, kpi_id,
           -- A side none of whose measures has a row here is unknown (NULL), not 0: no spend data is not free.
           CAST(CASE WHEN COUNT_BIG(CASE WHEN numerator_coefficient <> 0 AND (is_sum = 1 OR aligned = 1) THEN 1 END) > 0
                     THEN SUM(CASE WHEN is_sum = 1 OR aligned = 1 THEN value * CAST(numerator_coefficient AS decimal(2, 0)) END) END AS decimal(38, 9)) AS numerator,
           CAST(CASE WHEN COUNT_BIG(CASE WHEN denominator_coefficient <> 0 AND aligned = 1 THEN 1 END) > 0
                     THEN SUM(CASE WHEN aligned = 1 THEN value * CAST(denominator_coefficient AS decimal(2, 0)) END) END AS decimal(38, 9)) AS denominator
    FROM terms
    GROUP BY grain, period_start, period_end, segment_type, segment, kpi_id
),
fetched AS (
    SELECT 'day' AS grain, f.date AS period_start, f.date AS period_end, 'channel' AS segment_type, f.channel AS segment,
           u.kpi_id, CAST(SUM(u.value) AS decimal(38, 9)) AS numerator, CAST(NULL AS decimal(38, 9)) AS denominator
    FROM dw.fact_web_users_daily AS f
    CROSS APPLY (VALUES ('users', f.total_users), ('new_users', f.new_users)) AS u(kpi_id, value)
    WHERE u.value IS NOT NULL
    GROUP BY f.date, f.channel, u.kpi_id
),
sessions AS (
    SELECT grain, period_start, period_end, segment_type, segment, SUM(value) AS value
    FROM measures WHERE measure = 'sessions' AND segment_type IN ('all', 'channel')
    GROUP BY grain, period_start, period_end, segment_type, segment
),
share AS (
    SELECT c.grain, c.period_start, c.period_end, c.segment_type, c.segment, 'channel_session_share' AS kpi_id,
           c.value AS numerator, a.value AS denominator
    FROM sessions AS c
    JOIN sessions AS a ON a.grain = c.grain AND a.period_start = c.period_start AND a.segment_type = 'all'
    WHERE c.segment_type = 'channel'
),
all_rows AS (
    SELECT grain, period_start, period_end, segment_type, segment, kpi_id, numerator, denominator FROM sums
    UNION ALL SELECT grain, period_start, period_end, segment_type, segment, kpi_id, numerator, denominator FROM fetched
    UNION ALL SELECT grain, period_start, period_end, segment_type, segment, kpi_id, numerator, denominator FROM share
),
periods AS (
    SELECT 'day' AS grain, date AS period_start, date FROM dw.dim_date
    UNION ALL SELECT 'week', iso_week_start, date FROM dw.dim_date
    UNION ALL SELECT 'month', month_start, date FROM dw.dim_date
    UNION ALL SELECT 'quarter', quarter_start, date FROM dw.dim_date
),
coverage AS (
    SELECT p.grain, p.period_start, c.kpi_id,
           CAST(SUM(CAST(c.covered AS int)) AS int) AS covered_days,
           MAX(CASE WHEN c.covered = 1 AND c.provisional = 1 THEN 1 ELSE 0 END) AS provisional
    FROM dw.kpi_coverage_daily AS c JOIN periods AS p ON p.date = c.date
    GROUP BY p.grain, p.period_start, c.kpi_id
),
gap_spans AS (
    SELECT p.grain, p.period_start, i.kpi_id, i.issue, i.subject, MIN(i.date) AS first_day, MAX(i.date) AS last_day,
           COUNT(DISTINCT i.date) AS days, SUM(i.open_deals) AS open_deals
    FROM dw.kpi_coverage_issues AS i JOIN periods AS p ON p.date = i.date
    GROUP BY p.grain, p.period_start, i.kpi_id, i.issue, i.subject
),
reasons AS (
    SELECT grain, period_start, kpi_id,
           STRING_AGG(CASE issue
                          WHEN 'not loaded' THEN CONCAT(subject, ' not loaded ', CONVERT(char(10), first_day, 23),
                               CASE WHEN last_day > first_day THEN CONCAT('..', CONVERT(char(10), last_day, 23)) ELSE '' END)
                          WHEN 'no FX rate' THEN CONCAT('no FX rate for ', subject, ' on ', days, CASE WHEN days = 1 THEN ' day' ELSE ' days' END)
                      END, '; ') WITHIN GROUP (ORDER BY issue, subject) AS gaps,
           SUM(CASE WHEN issue = 'provisional' THEN open_deals END) AS open_deals,
           STRING_AGG(CASE WHEN issue = 'provisional' AND open_deals = 0 THEN subject END, ', ') WITHIN GROUP (ORDER BY subject) AS restating
    FROM gap_spans
    GROUP BY grain, period_start, kpi_id
),
judged AS (
    SELECT r.grain, r.period_start, r.period_end, r.segment_type, r.segment, r.kpi_id, r.numerator, r.denominator,
           DATEDIFF(day, r.period_start, r.period_end) + 1 AS period_days,
           COALESCE(c.covered_days, 0) AS covered_days,
           COALESCE(c.provisional, 0) AS provisional,
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
    CAST(CASE WHEN r.covered_days = r.period_days THEN 1 ELSE 0 END AS bit) AS period_complete,
    CAST(r.covered_days AS float) / r.period_days                    AS coverage,
    r.covered_days,
    r.period_days,
    CASE WHEN r.covered_days < r.period_days THEN 'partial' WHEN r.provisional = 1 THEN 'provisional' ELSE 'complete' END AS status,
    NULLIF(CONCAT_WS('; ',
        x.cost_scope_note,
        CASE WHEN r.covered_days < r.period_days AND r.period_end > r.today
             THEN CONCAT('period in progress: ', CASE WHEN r.today >= r.period_start THEN DATEDIFF(day, r.period_start, r.today) + 1 ELSE 0 END,
                         ' of ', r.period_days, ' days') END,
        CASE WHEN r.covered_days < r.period_days THEN r.gaps END,
        CASE WHEN r.covered_days = r.period_days AND r.provisional = 1 THEN
             NULLIF(CONCAT_WS('; ',
                 CASE WHEN r.open_deals > 0 THEN CONCAT('provisional: ', r.open_deals, ' deals created in the period still open') END,
                 CASE WHEN r.restating IS NOT NULL THEN CONCAT('provisional: ', r.restating, ' may still restate days of the period') END), '')
        END), '') AS status_reason
FROM judged AS r
JOIN mart.kpi_catalog AS k ON k.kpi_id = r.kpi_id
CROSS JOIN dw.settings AS s
-- Cost scope per channel: no meaningful ROI, ROAS, CAC or CPL without a cost source or attributable revenue.
-- Over the whole history: mart.kpi_measure_context keeps the notes, so a change recomputes every mart.
LEFT JOIN dw.dim_channel AS x
  ON r.segment_type = 'channel' AND x.channel = r.segment AND k.cost_scope IN ('blended', 'paid');
