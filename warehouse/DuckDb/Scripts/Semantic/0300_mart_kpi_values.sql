-- Base measures summed at every grain analysts ask for: day, ISO week and month, overall and by channel,
-- campaign, device and country. A row of dw.kpi_measure_daily joins a segment family only when its breakdown
-- allows it, so no figure is counted twice.
CREATE OR REPLACE VIEW mart.kpi_measures AS
WITH m AS (
    SELECT k.*, d.iso_week_start, d.month_start, d.month_end
    FROM dw.kpi_measure_daily AS k
    JOIN dw.dim_date AS d ON d.date = k.date
),
seg AS (
    SELECT date, iso_week_start, month_start, month_end, measure, value, 'all' AS segment_type, 'All' AS segment
    FROM m WHERE breakdown IN ('all', 'total')
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, measure, value, 'channel', channel
    FROM m WHERE breakdown IN ('all', 'total') AND channel IS NOT NULL
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, measure, value, 'campaign', campaign
    FROM m WHERE breakdown IN ('all', 'total') AND campaign IS NOT NULL
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, measure, value, 'device', device
    FROM m WHERE breakdown IN ('all', 'device') AND device IS NOT NULL
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, measure, value, 'country', country
    FROM m WHERE breakdown IN ('all', 'country') AND country IS NOT NULL
)
SELECT 'day' AS grain, date AS period_start, date AS period_end, segment_type, segment, measure, sum(value) AS value
FROM seg GROUP BY ALL
UNION ALL
SELECT 'week', iso_week_start, CAST(iso_week_start + 6 AS DATE), segment_type, segment, measure, sum(value)
FROM seg GROUP BY ALL
UNION ALL
SELECT 'month', month_start, month_end, segment_type, segment, measure, sum(value)
FROM seg GROUP BY ALL
UNION ALL
SELECT 'quarter', CAST(date_trunc('quarter', month_start) AS DATE),
       CAST(date_trunc('quarter', month_start) + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE), segment_type, segment, measure, sum(value)
FROM seg GROUP BY ALL;
COMMENT ON VIEW mart.kpi_measures IS 'Each additive base measure summed per grain (day, week, month, quarter), segment type (all, channel, campaign, device, country) and segment. Money measures in the reporting currency.';

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
    CAST(CASE
        WHEN k.denominator IS NULL AND r.kpi_id <> 'channel_session_share' THEN r.numerator * k.scale
        WHEN k.complement THEN k.scale * (1 - r.numerator / NULLIF(r.denominator, 0))
        ELSE k.scale * r.numerator / NULLIF(r.denominator, 0)
    END AS DOUBLE)                                                   AS value,
    COALESCE(r.period_start >= f.first_date AND r.period_end <= f.last_date, false) AS period_complete
FROM all_rows AS r
JOIN mart.kpi_catalog AS k ON k.kpi_id = r.kpi_id
CROSS JOIN dw.settings AS s
LEFT JOIN (SELECT min(date) AS first_date, max(date) AS last_date FROM dw.kpi_measure_daily WHERE platform IN ('ga4', 'meta')) AS f ON true;
COMMENT ON VIEW mart.kpi_values IS 'Every catalog KPI per grain (day, week, month, quarter), period and segment (all, channel, campaign, device, country): numerator and denominator summed separately, value = scale × numerator / denominator (NULL when the denominator is 0). Users and new users only at day × channel, as GA4 counted them.';
COMMENT ON COLUMN mart.kpi_values.grain IS 'day, week (ISO, Monday start), month or quarter.';
COMMENT ON COLUMN mart.kpi_values.segment_type IS 'all, channel, campaign, device or country.';
COMMENT ON COLUMN mart.kpi_values.segment IS 'The channel, campaign (conformed UTM name), device or country; All for segment_type all.';
COMMENT ON COLUMN mart.kpi_values.numerator IS 'Σ of the KPI''s numerator measures at this grain; for counts and sums the value itself before scaling. NULL when none of those measures has data in the segment (e.g. CPL of a channel without ad spend data).';
COMMENT ON COLUMN mart.kpi_values.denominator IS 'Σ of the denominator measures; NULL for counts and sums.';
COMMENT ON COLUMN mart.kpi_values.value IS 'The KPI: scale × numerator / NULLIF(denominator, 0), 1 − that for complements (bounce rate), the numerator for counts and sums.';
COMMENT ON COLUMN mart.kpi_values.currency IS 'The reporting currency for money KPIs, else NULL.';
COMMENT ON COLUMN mart.kpi_values.period_complete IS 'True when the whole period lies within the days web and ad data (GA4, Meta) are loaded for; false for the running period and for a first period the data starts inside.';

CREATE OR REPLACE VIEW mart.ad_reach_daily AS
SELECT r.date, r.account_id, a.name AS account_name, r.campaign_id, r.campaign, r.adset_id, r.ad_id, r.ad_name,
       r.impressions, r.reach, r.frequency
FROM dw.fact_ad_reach AS r
LEFT JOIN dw.dim_account AS a ON a.platform = 'meta' AND a.account_id = r.account_id;
COMMENT ON VIEW mart.ad_reach_daily IS 'Reach and frequency at the only grain Meta counted them here: one ad on one day. Do not sum reach across rows; frequency = impressions / reach of the same row.';

-- Every additive or ratio KPI over any date range (a campaign flight, a quarter to date), overall and per segment,
-- with the same terms as mart.kpi_values: FROM mart.kpi_over_range(DATE '2026-10-01', DATE '2026-10-31').
CREATE OR REPLACE MACRO mart.kpi_over_range(range_start, range_end) AS TABLE
WITH m AS (
    SELECT * FROM dw.kpi_measure_daily WHERE date BETWEEN range_start AND range_end
),
seg AS (
    SELECT measure, value, 'all' AS segment_type, 'All' AS segment FROM m WHERE breakdown IN ('all', 'total')
    UNION ALL SELECT measure, value, 'channel', channel FROM m WHERE breakdown IN ('all', 'total') AND channel IS NOT NULL
    UNION ALL SELECT measure, value, 'campaign', campaign FROM m WHERE breakdown IN ('all', 'total') AND campaign IS NOT NULL
    UNION ALL SELECT measure, value, 'device', device FROM m WHERE breakdown IN ('all', 'device') AND device IS NOT NULL
    UNION ALL SELECT measure, value, 'country', country FROM m WHERE breakdown IN ('all', 'country') AND country IS NOT NULL
),
sums AS (
    SELECT s.segment_type, s.segment, t.kpi_id,
           CASE WHEN count(*) FILTER (WHERE t.numerator_coefficient <> 0) > 0 THEN sum(s.value * t.numerator_coefficient) END AS numerator,
           CASE WHEN count(*) FILTER (WHERE t.denominator_coefficient <> 0) > 0 THEN sum(s.value * t.denominator_coefficient) END AS denominator
    FROM seg AS s JOIN dw.kpi_formula_terms AS t ON t.measure = s.measure
    GROUP BY ALL
)
SELECT CAST(range_start AS DATE) AS period_start, CAST(range_end AS DATE) AS period_end, r.segment_type, r.segment, r.kpi_id,
       k.name AS kpi_name, k.unit, CASE WHEN k.unit = 'Currency' THEN st.reporting_currency END AS currency,
       r.numerator, CASE WHEN k.denominator IS NOT NULL THEN r.denominator END AS denominator,
       CAST(CASE
           WHEN k.denominator IS NULL THEN r.numerator * k.scale
           WHEN k.complement THEN k.scale * (1 - r.numerator / NULLIF(r.denominator, 0))
           ELSE k.scale * r.numerator / NULLIF(r.denominator, 0)
       END AS DOUBLE) AS value
FROM sums AS r
JOIN mart.kpi_catalog AS k ON k.kpi_id = r.kpi_id
CROSS JOIN dw.settings AS st;
