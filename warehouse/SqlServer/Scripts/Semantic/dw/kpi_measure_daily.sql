-- Every additive base measure of the KPI catalog as one long, daily fact. The marts sum it at the query grain and
-- divide sums, so every ratio KPI is computed one way only.
-- every CROSS APPLY (VALUES ...) below keeps only non-NULL values: a measure without data has no row (not a 0 row).
--
-- breakdown says which segment families a row may be counted in, so a figure is never counted twice:
--   all     row carries channel, campaign, device and country at once (GA4 traffic) — valid in every family;
--   total   row splits by channel and campaign only — valid for totals, channel and campaign;
--   device  row of a device breakdown (Meta) — valid for the device family only;
--   country row of a country breakdown (Meta) — valid for the country family only.
CREATE OR ALTER VIEW dw.kpi_measure_daily AS
-- A refresh recomputes mart.kpi_measure_context first, from dw.kpi_measure_context, in its transaction, and then
-- says so (the context_refreshed session key): its later reads of this view (the entity fingerprints, each range
-- of mart.kpi_measure_daily) take the same rows from the table instead of every fact of the whole history again.
-- The other branch is skipped at run time (a startup filter on the session key).
WITH context AS (
    SELECT family, k, label FROM mart.kpi_measure_context WHERE {{context_refreshed}}
    UNION ALL
    SELECT family, k, label FROM dw.kpi_measure_context WHERE NOT ({{context_refreshed}})
),
web AS (
    SELECT date, channel, campaign, device, country,
           CAST(SUM(sessions) AS decimal(38, 9))           AS sessions,
           CAST(SUM(engaged_sessions) AS decimal(38, 9))   AS engaged_sessions,
           CAST(SUM(screen_page_views) AS decimal(38, 9))  AS screen_page_views,
           CAST(SUM(engagement_seconds) AS decimal(38, 9)) AS engagement_seconds,
           CAST(SUM(key_events) AS decimal(38, 9))         AS key_events
    FROM dw.fact_web_sessions_daily
    GROUP BY date, channel, campaign, device, country
),
ads AS (
    SELECT date, channel, campaign,
           CAST(SUM(impressions) AS decimal(38, 9))              AS impressions,
           CAST(SUM(link_clicks) AS decimal(38, 9))              AS link_clicks,
           CAST(SUM(spend_reporting) AS decimal(38, 9))          AS ad_spend,
           CAST(SUM(leads) AS decimal(38, 9))                    AS ad_leads,
           CAST(SUM(purchases) AS decimal(38, 9))                AS ad_conversions,
           CAST(SUM(purchase_value_reporting) AS decimal(38, 9)) AS ad_conversion_value
    FROM dw.fact_ad_performance_daily
    GROUP BY date, channel, campaign
),
ads_by_country AS (
    SELECT date, channel, campaign, country,
           CAST(SUM(impressions) AS decimal(38, 9))              AS impressions,
           CAST(SUM(link_clicks) AS decimal(38, 9))              AS link_clicks,
           CAST(SUM(spend_reporting) AS decimal(38, 9))          AS ad_spend,
           CAST(SUM(leads) AS decimal(38, 9))                    AS ad_leads,
           CAST(SUM(purchases) AS decimal(38, 9))                AS ad_conversions,
           CAST(SUM(purchase_value_reporting) AS decimal(38, 9)) AS ad_conversion_value
    FROM dw.fact_ad_performance_by_country_daily
    GROUP BY date, channel, campaign, country
),
ads_by_device AS (
    SELECT date, channel, campaign, device,
           CAST(SUM(impressions) AS decimal(38, 9))              AS impressions,
           CAST(SUM(link_clicks) AS decimal(38, 9))              AS link_clicks,
           CAST(SUM(spend_reporting) AS decimal(38, 9))          AS ad_spend,
           CAST(SUM(leads) AS decimal(38, 9))                    AS ad_leads,
           CAST(SUM(purchases) AS decimal(38, 9))                AS ad_conversions,
           CAST(SUM(purchase_value_reporting) AS decimal(38, 9)) AS ad_conversion_value
    FROM dw.fact_ad_performance_by_device_daily
    GROUP BY date, channel, campaign, device
),
google_ads AS (
    SELECT date, channel, campaign,
           CAST(SUM(impressions) AS decimal(38, 9))    AS impressions,
           CAST(SUM(clicks) AS decimal(38, 9))         AS link_clicks,
           CAST(SUM(cost_reporting) AS decimal(38, 9)) AS ad_spend
    FROM dw.fact_google_ads_daily
    GROUP BY date, channel, campaign
),
-- What GA4 attributes to Google Ads sessions (google / cpc) of properties with a linked Google Ads account: the
-- conversions and value set against that spend, as Meta's own attributed purchases are set against Meta's.
google_ads_conversions AS (
    SELECT w.date, w.channel, w.campaign,
           CAST(SUM(w.transactions) AS decimal(38, 9))               AS ad_conversions,
           CAST(SUM(w.purchase_revenue_reporting) AS decimal(38, 9)) AS ad_conversion_value
    FROM dw.fact_web_sessions_daily AS w
    WHERE LOWER(w.source) = 'google' AND LOWER(w.medium) = 'cpc'
      AND w.account_id IN (SELECT k FROM context WHERE family = 'google_ads_account')
    GROUP BY w.date, w.channel, w.campaign
),
email AS (
    SELECT send_date AS date, channel, campaign,
           CAST(SUM(emails_sent) AS decimal(38, 9))              AS emails_sent,
           CAST(SUM(hard_bounces) AS decimal(38, 9))             AS hard_bounces,
           CAST(SUM(soft_bounces) AS decimal(38, 9))             AS soft_bounces,
           CAST(SUM(unique_opens) AS decimal(38, 9))             AS unique_opens,
           CAST(SUM(human_unique_opens) AS decimal(38, 9))       AS human_unique_opens,
           CAST(SUM(CASE WHEN human_unique_opens IS NOT NULL THEN emails_sent - hard_bounces - soft_bounces END) AS decimal(38, 9)) AS human_open_delivered,
           CAST(SUM(unique_subscriber_clicks) AS decimal(38, 9)) AS unique_subscriber_clicks,
           CAST(SUM(unsubscribed) AS decimal(38, 9))             AS unsubscribed
    FROM dw.fact_email_campaign
    GROUP BY send_date, channel, campaign
),
list AS (
    SELECT l.date, mc.channel,
           CAST(SUM(l.subs) AS decimal(38, 9))          AS list_subs,
           CAST(SUM(l.other_adds) AS decimal(38, 9))    AS list_other_adds,
           CAST(SUM(l.unsubs) AS decimal(38, 9))        AS list_unsubs,
           CAST(SUM(l.other_removes) AS decimal(38, 9)) AS list_other_removes,
           CAST(SUM(l.cleaned) AS decimal(38, 9))       AS list_cleaned
    FROM dw.fact_email_list_daily AS l
    -- T-SQL cannot group by a subquery: the mapped Mailchimp channel is joined as a one-row table instead.
    CROSS JOIN (SELECT COALESCE((SELECT channel FROM dw.channel_mapping WHERE platform = 'mailchimp' AND source_value = '*'), 'Email') AS channel) AS mc
    GROUP BY l.date, mc.channel
),
-- One row per stage entered, so a day with only MQL entries has no (zero) leads row.
crm_leads AS (
    SELECT entered_date AS date, channel, campaign,
           CASE stage WHEN 'lead' THEN 'leads' WHEN 'mql' THEN 'mqls' ELSE 'sqls' END AS measure,
           CAST(COUNT_BIG(*) AS decimal(38, 9)) AS value
    FROM dw.fact_lead
    WHERE stage IN ('lead', 'mql', 'sql')
    GROUP BY entered_date, channel, campaign, CASE stage WHEN 'lead' THEN 'leads' WHEN 'mql' THEN 'mqls' ELSE 'sqls' END
),
deals_created AS (
    SELECT created_date AS date, channel, CAST(COUNT_BIG(*) AS decimal(38, 9)) AS deals_created
    FROM dw.fact_deal
    GROUP BY created_date, channel
),
deals_closed AS (
    SELECT closed_date AS date, d.channel,
           CAST(COUNT_BIG(*) AS decimal(38, 9))                                                     AS closed_deals,
           CAST(COUNT_BIG(CASE WHEN d.is_won = 1 THEN 1 END) AS decimal(38, 9))                     AS won_deals,
           CAST(COALESCE(SUM(CASE WHEN d.is_won = 1 THEN d.amount_reporting END), 0) AS decimal(38, 9)) AS won_revenue,
           CAST(COALESCE(SUM(CASE WHEN d.is_won = 1 THEN d.amount_reporting END), 0) * MAX(s.gross_margin) AS decimal(38, 9)) AS margin_revenue,
           CAST(COALESCE(SUM(CASE WHEN d.is_won = 1 THEN CAST(DATEDIFF(day, d.created_date, d.closed_date) AS bigint) END), 0) AS decimal(38, 9)) AS won_deal_cycle_days
    FROM dw.fact_deal AS d CROSS JOIN dw.settings AS s
    WHERE d.is_closed = 1 AND d.closed_date IS NOT NULL
    GROUP BY d.closed_date, d.channel
),
new_customers AS (
    SELECT first_won_date AS date, acquisition_channel AS channel, CAST(COUNT_BIG(*) AS decimal(38, 9)) AS new_customers
    FROM dw.dim_customer
    GROUP BY first_won_date, acquisition_channel
),
other_costs AS (
    SELECT date, channel, campaign, CAST(SUM(cost_reporting) AS decimal(38, 9)) AS other_marketing_cost
    FROM dw.fact_marketing_cost WHERE platform = 'files'
    GROUP BY date, channel, campaign
),
-- Channels with a cost source (as dw.dim_channel.has_cost_source: any cost row books to them): their leads,
-- customers and revenue make the paid scope (SEMANTICS.md, "Cost scope"). Over the whole history, so from
-- dw.kpi_measure_context (context above).
costed AS (
    SELECT k AS channel FROM context WHERE family = 'costed'
),
nps AS (
    SELECT date, CAST(SUM(nps_points) AS decimal(38, 9)) AS nps_net, CAST(COUNT_BIG(*) AS decimal(38, 9)) AS nps_responses
    FROM dw.fact_nps_response
    GROUP BY date
),
-- Segment keys as both engines compare them (warehouse/SEMANTICS.md, "Segment keys"): campaign trimmed, case kept;
-- channel, device and country trimmed and merged case-insensitively under the spelling that sorts first.
measure_rows AS (
SELECT w.date, 'ga4' AS platform, w.channel, w.campaign, w.device, w.country, 'all' AS breakdown, u.measure, u.value
FROM web AS w
CROSS APPLY (VALUES ('sessions', w.sessions), ('engaged_sessions', w.engaged_sessions), ('screen_page_views', w.screen_page_views),
                    ('engagement_seconds', w.engagement_seconds), ('key_events', w.key_events)) AS u(measure, value)
WHERE u.value IS NOT NULL
UNION ALL
SELECT a.date, 'meta', a.channel, a.campaign, NULL, NULL, 'total', u.measure, u.value
FROM ads AS a
CROSS APPLY (VALUES ('impressions', a.impressions), ('link_clicks', a.link_clicks), ('ad_spend', a.ad_spend), ('ad_leads', a.ad_leads),
                    ('ad_conversions', a.ad_conversions), ('ad_conversion_value', a.ad_conversion_value)) AS u(measure, value)
WHERE u.value IS NOT NULL
UNION ALL
SELECT a.date, 'meta', a.channel, a.campaign, NULL, a.country, 'country', u.measure, u.value
FROM ads_by_country AS a
CROSS APPLY (VALUES ('impressions', a.impressions), ('link_clicks', a.link_clicks), ('ad_spend', a.ad_spend), ('ad_leads', a.ad_leads),
                    ('ad_conversions', a.ad_conversions), ('ad_conversion_value', a.ad_conversion_value)) AS u(measure, value)
WHERE u.value IS NOT NULL
UNION ALL
SELECT a.date, 'meta', a.channel, a.campaign, a.device, NULL, 'device', u.measure, u.value
FROM ads_by_device AS a
CROSS APPLY (VALUES ('impressions', a.impressions), ('link_clicks', a.link_clicks), ('ad_spend', a.ad_spend), ('ad_leads', a.ad_leads),
                    ('ad_conversions', a.ad_conversions), ('ad_conversion_value', a.ad_conversion_value)) AS u(measure, value)
WHERE u.value IS NOT NULL
UNION ALL
SELECT g.date, 'google_ads', g.channel, g.campaign, NULL, NULL, 'total', u.measure, u.value
FROM google_ads AS g
CROSS APPLY (VALUES ('impressions', g.impressions), ('link_clicks', g.link_clicks), ('ad_spend', g.ad_spend)) AS u(measure, value)
WHERE u.value IS NOT NULL
UNION ALL
SELECT g.date, 'google_ads', g.channel, g.campaign, NULL, NULL, 'total', u.measure, u.value
FROM google_ads_conversions AS g
CROSS APPLY (VALUES ('ad_conversions', g.ad_conversions), ('ad_conversion_value', g.ad_conversion_value)) AS u(measure, value)
WHERE u.value IS NOT NULL
UNION ALL
SELECT e.date, 'mailchimp', e.channel, e.campaign, NULL, NULL, 'total', u.measure, u.value
FROM email AS e
CROSS APPLY (VALUES ('emails_sent', e.emails_sent), ('hard_bounces', e.hard_bounces), ('soft_bounces', e.soft_bounces),
                    ('unique_opens', e.unique_opens), ('human_unique_opens', e.human_unique_opens), ('human_open_delivered', e.human_open_delivered),
                    ('unique_subscriber_clicks', e.unique_subscriber_clicks),
                    ('unsubscribed', e.unsubscribed)) AS u(measure, value)
WHERE u.value IS NOT NULL
UNION ALL
SELECT l.date, 'mailchimp', l.channel, NULL, NULL, NULL, 'total', u.measure, u.value
FROM list AS l
CROSS APPLY (VALUES ('list_subs', l.list_subs), ('list_other_adds', l.list_other_adds), ('list_unsubs', l.list_unsubs),
                    ('list_other_removes', l.list_other_removes), ('list_cleaned', l.list_cleaned)) AS u(measure, value)
WHERE u.value IS NOT NULL
UNION ALL
SELECT c.date, 'hubspot', c.channel, c.campaign, NULL, NULL, 'total', c.measure, c.value
FROM crm_leads AS c
UNION ALL
SELECT date, 'hubspot', channel, NULL, NULL, NULL, 'total', 'deals_created', deals_created FROM deals_created
UNION ALL
SELECT d.date, 'hubspot', d.channel, NULL, NULL, NULL, 'total', u.measure, u.value
FROM deals_closed AS d
CROSS APPLY (VALUES ('closed_deals', d.closed_deals), ('won_deals', d.won_deals), ('won_revenue', d.won_revenue),
                    ('margin_revenue', d.margin_revenue), ('won_deal_cycle_days', d.won_deal_cycle_days)) AS u(measure, value)
WHERE u.value IS NOT NULL
UNION ALL
SELECT date, 'hubspot', channel, NULL, NULL, NULL, 'total', 'new_customers', new_customers FROM new_customers
UNION ALL
SELECT c.date, 'hubspot', c.channel, c.campaign, NULL, NULL, 'total', 'leads_costed', c.value
FROM crm_leads AS c WHERE c.measure = 'leads' AND c.channel IN (SELECT channel FROM costed)
UNION ALL
SELECT d.date, 'hubspot', d.channel, NULL, NULL, NULL, 'total', u.measure, u.value
FROM deals_closed AS d
CROSS APPLY (VALUES ('won_revenue_costed', d.won_revenue), ('margin_revenue_costed', d.margin_revenue)) AS u(measure, value)
WHERE u.value IS NOT NULL AND d.channel IN (SELECT channel FROM costed)
UNION ALL
SELECT date, 'hubspot', channel, NULL, NULL, NULL, 'total', 'new_customers_costed', new_customers
FROM new_customers WHERE channel IN (SELECT channel FROM costed)
UNION ALL
SELECT date, 'files', channel, campaign, NULL, NULL, 'total', 'other_marketing_cost', other_marketing_cost FROM other_costs
UNION ALL
SELECT n.date, 'files', NULL, NULL, NULL, NULL, 'total', u.measure, u.value
FROM nps AS n
CROSS APPLY (VALUES ('nps_net', n.nps_net), ('nps_responses', n.nps_responses)) AS u(measure, value)
WHERE u.value IS NOT NULL
)
-- Labels over the whole history (each case or space variant shown as the trimmed spelling that sorts first), looked
-- up from dw.kpi_measure_context (context above): a day range of this view then reads only those days' facts.
SELECT r.date, r.platform,
       ch.label AS channel,
       TRIM(r.campaign) AS campaign,
       dv.label AS device,
       co.label AS country,
       r.breakdown, r.measure, r.value
FROM measure_rows AS r
LEFT JOIN context AS ch ON ch.family = 'channel' AND ch.k = LOWER(TRIM(r.channel))
LEFT JOIN context AS dv ON dv.family = 'device' AND dv.k = LOWER(TRIM(r.device))
LEFT JOIN context AS co ON co.family = 'country' AND co.k = LOWER(TRIM(r.country));
