-- What a row of dw.kpi_measure_daily depends on beyond its own day: the whole history's segment labels, the
-- channels with a cost source (the _costed measures) and the Google Ads accounts (GA4's google / cpc conversions).
-- Kept apart so the daily measures can be refreshed a day range at a time: while this view's rows stay the same,
-- a day's measures depend on that day's data only; when they change, every mart is recomputed whole
-- (mart.kpi_measure_context, refresh "context"). The cost scope of each channel (dw.dim_channel) is here too, since
-- the KPI marts' cost KPIs of every period read it.
--
-- family: channel, device or country (k = the trimmed lower-case key, label = the trimmed spelling that sorts first,
-- warehouse/SEMANTICS.md "Segment keys"); costed (k = label = a channel as the cost rows spell it); google_ads_account
-- (k = label = an account with Google Ads cost rows); cost_scope (k = a channel, label = its cost scope note or '').
-- The report streams' part (GA4 traffic, Meta's breakdowns, Meta's and Google Ads' cost rows: millions of rows) is read
-- by day from dw.kpi_context_daily, and from its table while a refresh recomputes the context (context_table): the
-- refresh has just recomputed there the days report windows reloaded, and every other day is as it was.
CREATE VIEW dw.kpi_measure_context AS
-- Each dw view is named once: DuckDB binds and plans a view again at every mention, and the refresh plans this view
-- at every run.
WITH report_days AS (
    SELECT cost_platform, cost_account, channel, device, country
    FROM {{context_table(mart.kpi_context_daily): cost_platform, cost_account, channel, device, country}} AS d
),
cost_rows AS (
    SELECT DISTINCT cost_platform AS platform, cost_account AS account_id, channel FROM report_days WHERE cost_platform <> ''
    UNION SELECT DISTINCT platform, account_id, channel FROM dw.fact_marketing_cost WHERE platform = 'files'
),
spellings AS (
    SELECT DISTINCT channel, device, country FROM report_days
    UNION SELECT DISTINCT channel, NULL, NULL FROM cost_rows
    UNION SELECT DISTINCT channel, NULL, NULL FROM dw.fact_email_campaign
    UNION SELECT DISTINCT l.channel, NULL, NULL
          FROM dw.fact_email_list_daily AS e
          CROSS JOIN (SELECT COALESCE((SELECT channel FROM dw.channel_mapping WHERE platform = 'mailchimp' AND source_value = '*'), 'Email') AS channel) AS l
    UNION SELECT DISTINCT channel, NULL, NULL FROM dw.fact_lead WHERE stage IN ('lead', 'mql', 'sql')
    UNION SELECT DISTINCT channel, NULL, NULL FROM dw.fact_deal
    UNION SELECT DISTINCT acquisition_channel, NULL, NULL FROM dw.dim_customer
),
-- Channels with cost rows: Meta's ad spend, Google Ads' cost and the cost files (dw.fact_marketing_cost's three).
costed AS (
    SELECT DISTINCT channel FROM cost_rows WHERE channel IS NOT NULL
)
SELECT 'channel' AS family, lower(trim(channel)) AS k, {{segment_label(channel)}} AS label
FROM spellings WHERE channel IS NOT NULL GROUP BY lower(trim(channel))
UNION ALL
SELECT 'device', lower(trim(device)), {{segment_label(device)}}
FROM spellings WHERE device IS NOT NULL GROUP BY lower(trim(device))
UNION ALL
SELECT 'country', lower(trim(country)), {{segment_label(country)}}
FROM spellings WHERE country IS NOT NULL GROUP BY lower(trim(country))
UNION ALL
SELECT 'costed', channel, channel FROM costed
UNION ALL
SELECT DISTINCT 'google_ads_account', account_id, account_id FROM cost_rows WHERE platform = 'google_ads'
UNION ALL
SELECT 'cost_scope', channel, COALESCE(cost_scope_note, '') FROM dw.dim_channel;
