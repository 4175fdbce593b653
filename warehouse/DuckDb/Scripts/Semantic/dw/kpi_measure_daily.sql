-- Every additive base measure of the KPI catalog as one long, daily fact. The marts sum it at the query grain and
-- divide sums, so every ratio KPI is computed one way only.
--
-- breakdown says which segment families a row may be counted in, so a figure is never counted twice:
--   all     row carries channel, campaign, device and country at once (GA4 traffic) — valid in every family;
--   total   row splits by channel and campaign only — valid for totals, channel and campaign;
--   device  row of a device breakdown (Meta) — valid for the device family only;
--   country row of a country breakdown (Meta) — valid for the country family only.
CREATE OR REPLACE VIEW dw.kpi_measure_daily AS
-- dw.kpi_measure_context named once: DuckDB binds and plans a view again at every mention, and that view reads most
-- of the dw layer (planning this view took ~1.5 s on the 10M-row bench world with its three mentions, ~0.9 s now).
-- A refresh recomputes mart.kpi_measure_context first, from that view, in its transaction, and then says so
-- (the context_refreshed flag): its later reads of this view (the entity fingerprints, each range of
-- mart.kpi_measure_daily) take the same rows from the table instead of every fact of the whole history again
-- (~0.35 s each on the bench world). The flag is a constant when the query is bound, and query_table binds only
-- the relation it names: the view is not even planned then (~0.13 s each).
WITH context AS (
    SELECT family, k, label
    FROM query_table(CASE WHEN {{context_refreshed}} THEN 'mart.kpi_measure_context' ELSE 'dw.kpi_measure_context' END)
),
web AS (
    SELECT date, channel, campaign, device, country,
           CAST(sum(sessions) AS DECIMAL(38, 9))          AS sessions,
           CAST(sum(engaged_sessions) AS DECIMAL(38, 9))  AS engaged_sessions,
           CAST(sum(screen_page_views) AS DECIMAL(38, 9)) AS screen_page_views,
           CAST(sum(engagement_seconds) AS DECIMAL(38, 9)) AS engagement_seconds,
           CAST(sum(key_events) AS DECIMAL(38, 9))        AS key_events
    FROM dw.fact_web_sessions_daily GROUP BY ALL
),
ads AS (
    SELECT date, channel, campaign,
           CAST(sum(impressions) AS DECIMAL(38, 9))              AS impressions,
           CAST(sum(link_clicks) AS DECIMAL(38, 9))              AS link_clicks,
           CAST(sum(spend_reporting) AS DECIMAL(38, 9))          AS ad_spend,
           CAST(sum(leads) AS DECIMAL(38, 9))                    AS ad_leads,
           CAST(sum(purchases) AS DECIMAL(38, 9))                AS ad_conversions,
           CAST(sum(purchase_value_reporting) AS DECIMAL(38, 9)) AS ad_conversion_value
    FROM dw.fact_ad_performance_daily GROUP BY ALL
),
ads_by_country AS (
    SELECT date, channel, campaign, country,
           CAST(sum(impressions) AS DECIMAL(38, 9))              AS impressions,
           CAST(sum(link_clicks) AS DECIMAL(38, 9))              AS link_clicks,
           CAST(sum(spend_reporting) AS DECIMAL(38, 9))          AS ad_spend,
           CAST(sum(leads) AS DECIMAL(38, 9))                    AS ad_leads,
           CAST(sum(purchases) AS DECIMAL(38, 9))                AS ad_conversions,
           CAST(sum(purchase_value_reporting) AS DECIMAL(38, 9)) AS ad_conversion_value
    FROM dw.fact_ad_performance_by_country_daily GROUP BY ALL
),
ads_by_device AS (
    SELECT date, channel, campaign, device,
           CAST(sum(impressions) AS DECIMAL(38, 9))              AS impressions,
           CAST(sum(link_clicks) AS DECIMAL(38, 9))              AS link_clicks,
           CAST(sum(spend_reporting) AS DECIMAL(38, 9))          AS ad_spend,
           CAST(sum(leads) AS DECIMAL(38, 9))                    AS ad_leads,
           CAST(sum(purchases) AS DECIMAL(38, 9))                AS ad_conversions,
           CAST(sum(purchase_value_reporting) AS DECIMAL(38, 9)) AS ad_conversion_value
    FROM dw.fact_ad_performance_by_device_daily GROUP BY ALL
),
google_ads AS (
    SELECT date, channel, campaign,
           CAST(sum(impressions) AS DECIMAL(38, 9))    AS impressions,
           CAST(sum(clicks) AS DECIMAL(38, 9))         AS link_clicks,
           CAST(sum(cost_reporting) AS DECIMAL(38, 9)) AS ad_spend
    FROM dw.fact_google_ads_daily GROUP BY ALL
),
-- What GA4 attributes to Google Ads sessions (google / cpc) of properties with a linked Google Ads account: the
-- conversions and value set against that spend, as Meta's own attributed purchases are set against Meta's.
google_ads_conversions AS (
    SELECT w.date, w.channel, w.campaign,
           CAST(sum(w.transactions) AS DECIMAL(38, 9))               AS ad_conversions,
           CAST(sum(w.purchase_revenue_reporting) AS DECIMAL(38, 9)) AS ad_conversion_value
    FROM dw.fact_web_sessions_daily AS w
    WHERE lower(w.source) = 'google' AND lower(w.medium) = 'cpc'
      AND w.account_id IN (SELECT k FROM context WHERE family = 'google_ads_account')
    GROUP BY ALL
),
email AS (
    SELECT send_date AS date, channel, campaign,
           CAST(sum(emails_sent) AS DECIMAL(38, 9))              AS emails_sent,
           CAST(sum(hard_bounces) AS DECIMAL(38, 9))             AS hard_bounces,
           CAST(sum(soft_bounces) AS DECIMAL(38, 9))             AS soft_bounces,
           CAST(sum(unique_opens) AS DECIMAL(38, 9))             AS unique_opens,
           CAST(sum(human_unique_opens) AS DECIMAL(38, 9))       AS human_unique_opens,
           CAST(sum(emails_sent - hard_bounces - soft_bounces) FILTER (WHERE human_unique_opens IS NOT NULL) AS DECIMAL(38, 9)) AS human_open_delivered,
           CAST(sum(unique_subscriber_clicks) AS DECIMAL(38, 9)) AS unique_subscriber_clicks,
           CAST(sum(unsubscribed) AS DECIMAL(38, 9))             AS unsubscribed
    FROM dw.fact_email_campaign GROUP BY ALL
),
list AS (
    SELECT date, COALESCE((SELECT channel FROM dw.channel_mapping WHERE platform = 'mailchimp' AND source_value = '*'), 'Email') AS channel,
           CAST(sum(subs) AS DECIMAL(38, 9))          AS list_subs,
           CAST(sum(other_adds) AS DECIMAL(38, 9))    AS list_other_adds,
           CAST(sum(unsubs) AS DECIMAL(38, 9))        AS list_unsubs,
           CAST(sum(other_removes) AS DECIMAL(38, 9)) AS list_other_removes,
           CAST(sum(cleaned) AS DECIMAL(38, 9))       AS list_cleaned
    FROM dw.fact_email_list_daily GROUP BY ALL
),
-- One row per stage entered, so a day with only MQL entries has no (zero) leads row.
crm_leads AS (
    SELECT entered_date AS date, channel, campaign,
           CASE stage WHEN 'lead' THEN 'leads' WHEN 'mql' THEN 'mqls' ELSE 'sqls' END AS measure,
           CAST(count(*) AS DECIMAL(38, 9)) AS value
    FROM dw.fact_lead WHERE stage IN ('lead', 'mql', 'sql') GROUP BY ALL
),
deals_created AS (
    SELECT created_date AS date, channel, CAST(count(*) AS DECIMAL(38, 9)) AS deals_created
    FROM dw.fact_deal GROUP BY ALL
),
deals_closed AS (
    SELECT closed_date AS date, d.channel,
           CAST(count(*) AS DECIMAL(38, 9))                                              AS closed_deals,
           CAST(count(*) FILTER (WHERE is_won) AS DECIMAL(38, 9))                        AS won_deals,
           CAST(COALESCE(sum(amount_reporting) FILTER (WHERE is_won), 0) AS DECIMAL(38, 9)) AS won_revenue,
           CAST(COALESCE(sum(amount_reporting) FILTER (WHERE is_won), 0) * max(s.gross_margin) AS DECIMAL(38, 9)) AS margin_revenue,
           CAST(COALESCE(sum(closed_date - created_date) FILTER (WHERE is_won), 0) AS DECIMAL(38, 9)) AS won_deal_cycle_days
    FROM dw.fact_deal AS d CROSS JOIN dw.settings AS s
    WHERE is_closed AND closed_date IS NOT NULL
    GROUP BY closed_date, d.channel
),
new_customers AS (
    SELECT first_won_date AS date, acquisition_channel AS channel, CAST(count(*) AS DECIMAL(38, 9)) AS new_customers
    FROM dw.dim_customer GROUP BY ALL
),
other_costs AS (
    SELECT date, channel, campaign, CAST(sum(cost_reporting) AS DECIMAL(38, 9)) AS other_marketing_cost
    FROM dw.fact_marketing_cost WHERE platform = 'files' GROUP BY ALL
),
-- Channels with a cost source (as dw.dim_channel.has_cost_source: any cost row books to them): their leads,
-- customers and revenue make the paid scope (SEMANTICS.md, "Cost scope"). Over the whole history, so from
-- dw.kpi_measure_context.
costed AS (
    SELECT k AS channel FROM context WHERE family = 'costed'
),
nps AS (
    SELECT date, CAST(sum(nps_points) AS DECIMAL(38, 9)) AS nps_net, CAST(count(*) AS DECIMAL(38, 9)) AS nps_responses
    FROM dw.fact_nps_response GROUP BY ALL
),
-- Segment keys as both engines compare them (warehouse/SEMANTICS.md, "Segment keys"): campaign trimmed, case kept;
-- channel, device and country trimmed and merged case-insensitively under the spelling that sorts first.
measure_rows AS (
SELECT date, 'ga4' AS platform, channel, campaign, device, country, 'all' AS breakdown, measure, value
FROM web UNPIVOT (value FOR measure IN (sessions, engaged_sessions, screen_page_views, engagement_seconds, key_events))
UNION ALL
SELECT date, 'meta', channel, campaign, NULL, NULL, 'total', measure, value
FROM ads UNPIVOT (value FOR measure IN (impressions, link_clicks, ad_spend, ad_leads, ad_conversions, ad_conversion_value))
UNION ALL
SELECT date, 'meta', channel, campaign, NULL, country, 'country', measure, value
FROM ads_by_country UNPIVOT (value FOR measure IN (impressions, link_clicks, ad_spend, ad_leads, ad_conversions, ad_conversion_value))
UNION ALL
SELECT date, 'meta', channel, campaign, device, NULL, 'device', measure, value
FROM ads_by_device UNPIVOT (value FOR measure IN (impressions, link_clicks, ad_spend, ad_leads, ad_conversions, ad_conversion_value))
UNION ALL
SELECT date, 'google_ads', channel, campaign, NULL, NULL, 'total', measure, value
FROM google_ads UNPIVOT (value FOR measure IN (impressions, link_clicks, ad_spend))
UNION ALL
SELECT date, 'google_ads', channel, campaign, NULL, NULL, 'total', measure, value
FROM google_ads_conversions UNPIVOT (value FOR measure IN (ad_conversions, ad_conversion_value))
UNION ALL
SELECT date, 'mailchimp', channel, campaign, NULL, NULL, 'total', measure, value
FROM email UNPIVOT (value FOR measure IN (emails_sent, hard_bounces, soft_bounces, unique_opens, human_unique_opens, human_open_delivered, unique_subscriber_clicks, unsubscribed))
UNION ALL
SELECT date, 'mailchimp', channel, NULL, NULL, NULL, 'total', measure, value
FROM list UNPIVOT (value FOR measure IN (list_subs, list_other_adds, list_unsubs, list_other_removes, list_cleaned))
UNION ALL
SELECT date, 'hubspot', channel, campaign, NULL, NULL, 'total', measure, value
FROM crm_leads
UNION ALL
SELECT date, 'hubspot', channel, NULL, NULL, NULL, 'total', 'deals_created', deals_created FROM deals_created
UNION ALL
SELECT date, 'hubspot', channel, NULL, NULL, NULL, 'total', measure, value
FROM deals_closed UNPIVOT (value FOR measure IN (closed_deals, won_deals, won_revenue, margin_revenue, won_deal_cycle_days))
UNION ALL
SELECT date, 'hubspot', channel, NULL, NULL, NULL, 'total', 'new_customers', new_customers FROM new_customers
UNION ALL
SELECT date, 'hubspot', channel, campaign, NULL, NULL, 'total', 'leads_costed', value
FROM crm_leads WHERE measure = 'leads' AND channel IN (SELECT channel FROM costed)
UNION ALL
SELECT date, 'hubspot', channel, NULL, NULL, NULL, 'total', measure || '_costed', value
FROM deals_closed UNPIVOT (value FOR measure IN (won_revenue, margin_revenue))
WHERE channel IN (SELECT channel FROM costed)
UNION ALL
SELECT date, 'hubspot', channel, NULL, NULL, NULL, 'total', 'new_customers_costed', new_customers
FROM new_customers WHERE channel IN (SELECT channel FROM costed)
UNION ALL
SELECT date, 'files', channel, campaign, NULL, NULL, 'total', 'other_marketing_cost', other_marketing_cost FROM other_costs
UNION ALL
SELECT date, 'files', NULL, NULL, NULL, NULL, 'total', measure, value
FROM nps UNPIVOT (value FOR measure IN (nps_net, nps_responses))
),
-- Labels over the whole history (each case or space variant shown as the trimmed spelling that sorts first), looked
-- up from dw.kpi_measure_context: a day range of this view then reads only those days' facts.
labels AS (
    SELECT family, k, label FROM context WHERE family IN ('channel', 'device', 'country')
)
SELECT r.date, r.platform,
       ch.label AS channel,
       TRIM(r.campaign) AS campaign,
       dv.label AS device,
       co.label AS country,
       r.breakdown, r.measure, r.value
FROM measure_rows AS r
LEFT JOIN labels AS ch ON ch.family = 'channel' AND ch.k = lower(trim(r.channel))
LEFT JOIN labels AS dv ON dv.family = 'device' AND dv.k = lower(trim(r.device))
LEFT JOIN labels AS co ON co.family = 'country' AND co.k = lower(trim(r.country));
