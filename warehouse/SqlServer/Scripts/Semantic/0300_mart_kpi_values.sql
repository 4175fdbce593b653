-- Base measures summed at every grain analysts ask for: day, ISO week and month, overall and by channel,
-- campaign, device and country. A row of dw.kpi_measure_daily joins a segment family only when its breakdown
-- allows it, so no figure is counted twice.
-- T-SQL twin of warehouse/DuckDb/Scripts/Semantic/0300_mart_kpi_values.sql.
--
-- Decimal arithmetic: SQL Server rounds decimal(38, 9) × anything to 6 decimals, so a measure is narrowed to
-- decimal(28, 9) before it is multiplied by its ±1 coefficient (the product stays decimal(31, 9)), and every division
-- is done in float, as DuckDB does (its decimal / decimal is a DOUBLE).
CREATE OR ALTER VIEW mart.kpi_measures AS
WITH m AS (
    SELECT k.date, k.measure, k.value, k.breakdown, k.channel, k.campaign, k.device, k.country,
           d.iso_week_start, d.month_start, d.month_end, d.quarter_start
    FROM dw.kpi_measure_daily AS k
    JOIN dw.dim_date AS d ON d.date = k.date
),
seg AS (
    SELECT date, iso_week_start, month_start, month_end, quarter_start, measure, value, 'all' AS segment_type, 'All' AS segment
    FROM m WHERE breakdown IN ('all', 'total')
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, quarter_start, measure, value, 'channel', channel
    FROM m WHERE breakdown IN ('all', 'total') AND channel IS NOT NULL
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, quarter_start, measure, value, 'campaign', campaign
    FROM m WHERE breakdown IN ('all', 'total') AND campaign IS NOT NULL
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, quarter_start, measure, value, 'device', device
    FROM m WHERE breakdown IN ('all', 'device') AND device IS NOT NULL
    UNION ALL
    SELECT date, iso_week_start, month_start, month_end, quarter_start, measure, value, 'country', country
    FROM m WHERE breakdown IN ('all', 'country') AND country IS NOT NULL
)
SELECT 'day' AS grain, date AS period_start, date AS period_end, segment_type, segment, measure, SUM(value) AS value
FROM seg GROUP BY date, segment_type, segment, measure
UNION ALL
SELECT 'week', iso_week_start, DATEADD(day, 6, iso_week_start), segment_type, segment, measure, SUM(value)
FROM seg GROUP BY iso_week_start, segment_type, segment, measure
UNION ALL
SELECT 'month', month_start, month_end, segment_type, segment, measure, SUM(value)
FROM seg GROUP BY month_start, month_end, segment_type, segment, measure
UNION ALL
-- dim_date's quarter_start is DuckDB's date_trunc('quarter', month_start).
SELECT 'quarter', quarter_start, DATEADD(day, -1, DATEADD(month, 3, quarter_start)), segment_type, segment, measure, SUM(value)
FROM seg GROUP BY quarter_start, segment_type, segment, measure;
GO
EXEC etl.set_description N'mart', N'kpi_measures', NULL, N'Each additive base measure summed per grain (day, week, month, quarter), segment type (all, channel, campaign, device, country) and segment. Money measures in the reporting currency.';
GO

-- One row per KPI × grain (day, week, month, quarter) × period × segment: the summed numerator and denominator and the value computed from
-- them (never an average of daily ratios). Non-additive KPIs (users, new users) appear only at the grain GA4
-- counted them (day × channel); reach and frequency live in mart.ad_reach_daily at Meta's grain.
CREATE OR ALTER VIEW mart.kpi_values AS
WITH sums AS (
    SELECT m.grain, m.period_start, m.period_end, m.segment_type, m.segment, t.kpi_id,
           -- A side none of whose measures has a row here is unknown (NULL), not 0: no spend data is not free.
           CAST(CASE WHEN COUNT_BIG(CASE WHEN t.numerator_coefficient <> 0 THEN 1 END) > 0
                     THEN SUM(CAST(m.value AS decimal(28, 9)) * CAST(t.numerator_coefficient AS decimal(2, 0))) END AS decimal(38, 9)) AS numerator,
           CAST(CASE WHEN COUNT_BIG(CASE WHEN t.denominator_coefficient <> 0 THEN 1 END) > 0
                     THEN SUM(CAST(m.value AS decimal(28, 9)) * CAST(t.denominator_coefficient AS decimal(2, 0))) END AS decimal(38, 9)) AS denominator
    FROM mart.kpi_measures AS m
    JOIN dw.kpi_formula_terms AS t ON t.measure = m.measure
    GROUP BY m.grain, m.period_start, m.period_end, m.segment_type, m.segment, t.kpi_id
),
fetched AS (
    SELECT 'day' AS grain, f.date AS period_start, f.date AS period_end, 'channel' AS segment_type, f.channel AS segment,
           u.kpi_id, CAST(SUM(u.value) AS decimal(38, 9)) AS numerator, CAST(NULL AS decimal(38, 9)) AS denominator
    FROM dw.fact_web_users_daily AS f
    CROSS APPLY (VALUES ('users', f.total_users), ('new_users', f.new_users)) AS u(kpi_id, value)
    WHERE u.value IS NOT NULL
    GROUP BY f.date, f.channel, u.kpi_id
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
    SELECT grain, period_start, period_end, segment_type, segment, kpi_id, numerator, denominator FROM sums
    UNION ALL SELECT grain, period_start, period_end, segment_type, segment, kpi_id, numerator, denominator FROM fetched
    UNION ALL SELECT grain, period_start, period_end, segment_type, segment, kpi_id, numerator, denominator FROM share
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
        WHEN k.denominator IS NULL AND r.kpi_id <> 'channel_session_share' THEN CAST(r.numerator AS float) * k.scale
        WHEN k.complement = 1 THEN k.scale * (1 - CAST(r.numerator AS float) / NULLIF(CAST(r.denominator AS float), 0))
        ELSE k.scale * CAST(r.numerator AS float) / NULLIF(CAST(r.denominator AS float), 0)
    END AS float)                                                    AS value,
    CAST(CASE WHEN r.period_start >= f.first_date AND r.period_end <= f.last_date THEN 1 ELSE 0 END AS bit) AS period_complete
FROM all_rows AS r
JOIN mart.kpi_catalog AS k ON k.kpi_id = r.kpi_id
CROSS JOIN dw.settings AS s
CROSS JOIN (SELECT MIN(date) AS first_date, MAX(date) AS last_date FROM dw.kpi_measure_daily WHERE platform IN ('ga4', 'meta')) AS f;
GO
EXEC etl.set_description N'mart', N'kpi_values', NULL, N'Every catalog KPI per grain (day, week, month, quarter), period and segment (all, channel, campaign, device, country): numerator and denominator summed separately, value = scale × numerator / denominator (NULL when the denominator is 0). Users and new users only at day × channel, as GA4 counted them.';
EXEC etl.set_description N'mart', N'kpi_values', N'grain', N'day, week (ISO, Monday start), month or quarter.';
EXEC etl.set_description N'mart', N'kpi_values', N'segment_type', N'all, channel, campaign, device or country.';
EXEC etl.set_description N'mart', N'kpi_values', N'segment', N'The channel, campaign (conformed UTM name), device or country; All for segment_type all.';
EXEC etl.set_description N'mart', N'kpi_values', N'numerator', N'Σ of the KPI''s numerator measures at this grain; for counts and sums the value itself before scaling. NULL when none of those measures has data in the segment (e.g. CPL of a channel without ad spend data).';
EXEC etl.set_description N'mart', N'kpi_values', N'denominator', N'Σ of the denominator measures; NULL for counts and sums.';
EXEC etl.set_description N'mart', N'kpi_values', N'value', N'The KPI: scale × numerator / NULLIF(denominator, 0), 1 − that for complements (bounce rate), the numerator for counts and sums.';
EXEC etl.set_description N'mart', N'kpi_values', N'currency', N'The reporting currency for money KPIs, else NULL.';
EXEC etl.set_description N'mart', N'kpi_values', N'period_complete', N'True when the whole period lies within the days web and ad data (GA4, Meta) are loaded for; false for the running period and for a first period the data starts inside.';
GO

CREATE OR ALTER VIEW mart.ad_reach_daily AS
SELECT r.date, r.account_id, a.name AS account_name, r.campaign_id, r.campaign, r.adset_id, r.ad_id, r.ad_name,
       r.impressions, r.reach, r.frequency
FROM dw.fact_ad_reach AS r
LEFT JOIN dw.dim_account AS a ON a.platform = 'meta' AND a.account_id = r.account_id;
GO
EXEC etl.set_description N'mart', N'ad_reach_daily', NULL, N'Reach and frequency at the only grain Meta counted them here: one ad on one day. Do not sum reach across rows; frequency = impressions / reach of the same row.';
GO

-- Every additive or ratio KPI over any date range (a campaign flight, a quarter to date), overall and per segment,
-- with the same terms as mart.kpi_values: SELECT ... FROM mart.kpi_over_range('2026-10-01', '2026-10-31').
-- DuckDB's table macro mart.kpi_over_range(range_start, range_end) as an inline table-valued function.
CREATE OR ALTER FUNCTION mart.kpi_over_range(@range_start date, @range_end date)
RETURNS TABLE
AS
RETURN
WITH m AS (
    SELECT measure, value, breakdown, channel, campaign, device, country
    FROM dw.kpi_measure_daily WHERE date BETWEEN @range_start AND @range_end
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
           CAST(CASE WHEN COUNT_BIG(CASE WHEN t.numerator_coefficient <> 0 THEN 1 END) > 0
                     THEN SUM(CAST(s.value AS decimal(28, 9)) * CAST(t.numerator_coefficient AS decimal(2, 0))) END AS decimal(38, 9)) AS numerator,
           CAST(CASE WHEN COUNT_BIG(CASE WHEN t.denominator_coefficient <> 0 THEN 1 END) > 0
                     THEN SUM(CAST(s.value AS decimal(28, 9)) * CAST(t.denominator_coefficient AS decimal(2, 0))) END AS decimal(38, 9)) AS denominator
    FROM seg AS s JOIN dw.kpi_formula_terms AS t ON t.measure = s.measure
    GROUP BY s.segment_type, s.segment, t.kpi_id
)
SELECT @range_start AS period_start, @range_end AS period_end, r.segment_type, r.segment, r.kpi_id,
       k.name AS kpi_name, k.unit, CASE WHEN k.unit = 'Currency' THEN st.reporting_currency END AS currency,
       r.numerator, CASE WHEN k.denominator IS NOT NULL THEN r.denominator END AS denominator,
       CAST(CASE
           WHEN k.denominator IS NULL THEN CAST(r.numerator AS float) * k.scale
           WHEN k.complement = 1 THEN k.scale * (1 - CAST(r.numerator AS float) / NULLIF(CAST(r.denominator AS float), 0))
           ELSE k.scale * CAST(r.numerator AS float) / NULLIF(CAST(r.denominator AS float), 0)
       END AS float) AS value
FROM sums AS r
JOIN mart.kpi_catalog AS k ON k.kpi_id = r.kpi_id
CROSS JOIN dw.settings AS st;
GO
