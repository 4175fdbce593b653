-- Facts with declared grains. Money columns come twice: in the row's own currency and in the reporting currency
-- (dw.settings.reporting_currency, through dw.fx_daily). CRM timestamps become dates in dw.settings.reporting_time_zone.

CREATE OR REPLACE VIEW dw.fact_web_sessions_daily AS
SELECT
    t.date,
    t._account_id                                                    AS account_id,
    COALESCE(m.channel, t.session_default_channel_group)             AS channel,
    t.session_source                                                 AS source,
    t.session_medium                                                 AS medium,
    CASE WHEN t.session_campaign_name IN ('(direct)', '(organic)', '(referral)', '(not set)', '(none)', '') THEN NULL
         ELSE t.session_campaign_name END                            AS campaign,
    COALESCE(dv.device, 'other')                                     AS device,
    t.country,
    t.sessions,
    t.engaged_sessions,
    t.screen_page_views,
    CAST(t.user_engagement_duration AS DECIMAL(38, 9))               AS engagement_seconds,
    CAST(t.key_events AS DECIMAL(38, 9))                             AS key_events,
    t.transactions,
    t.purchase_revenue,
    t.currency_code                                                  AS currency,
    t.purchase_revenue * fx.rate_to_reporting                        AS purchase_revenue_reporting,
    t.sampled,
    t.subject_to_thresholding
FROM staging.ga4_traffic_daily AS t
LEFT JOIN dw.channel_mapping AS m ON m.platform = 'ga4' AND lower(m.source_value) = lower(t.session_source || ' / ' || t.session_medium)
LEFT JOIN dw.dim_device AS dv ON dv.platform = 'ga4' AND dv.platform_label = lower(t.device_category)
LEFT JOIN dw.fx_daily AS fx ON fx.date = t.date AND fx.currency = t.currency_code;
COMMENT ON VIEW dw.fact_web_sessions_daily IS 'Grain: day (property time zone) × property × channel × source/medium × campaign × device × country. Additive measures only.';

CREATE OR REPLACE VIEW dw.fact_web_users_daily AS
SELECT t.date, t._account_id AS account_id, t.session_default_channel_group AS channel,
       t.total_users, t.new_users, t.active_users
FROM staging.ga4_users_daily AS t;
COMMENT ON VIEW dw.fact_web_users_daily IS 'Grain-locked: day × property × channel exactly as GA4 counted distinct users. Never sum these columns across days or channels: one person is in several rows.';

CREATE OR REPLACE VIEW dw.fact_ad_performance_daily AS
SELECT
    i.date_start                                                     AS date,
    i.account_id,
    COALESCE((SELECT channel FROM dw.channel_mapping WHERE platform = 'meta' AND source_value = '*'), 'Paid Social') AS channel,
    i.campaign_id,
    i.campaign_name                                                  AS campaign,
    i.adset_id,
    i.ad_id,
    i.impressions,
    i.clicks,
    i.inline_link_clicks                                             AS link_clicks,
    i.spend,
    i.account_currency                                               AS currency,
    i.spend * fx.rate_to_reporting                                   AS spend_reporting,
    i.actions_lead                                                   AS leads,
    i.actions_purchase                                               AS purchases,
    i.action_values_purchase                                         AS purchase_value,
    i.action_values_purchase * fx.rate_to_reporting                  AS purchase_value_reporting
FROM staging.meta_insights_daily AS i
LEFT JOIN dw.fx_daily AS fx ON fx.date = i.date_start AND fx.currency = i.account_currency;
COMMENT ON VIEW dw.fact_ad_performance_daily IS 'Grain: day (ad account time zone) × ad. Spend and purchase value in the account currency and in the reporting currency; purchases and leads with Meta''s default attribution.';

CREATE OR REPLACE VIEW dw.fact_ad_performance_by_country_daily AS
SELECT
    i.date_start AS date, i.account_id, COALESCE((SELECT channel FROM dw.channel_mapping WHERE platform = 'meta' AND source_value = '*'), 'Paid Social') AS channel,
    i.campaign_id, i.campaign_name AS campaign, i.ad_id, COALESCE(cc.name, i.country) AS country,
    i.impressions, i.clicks, i.inline_link_clicks AS link_clicks, i.spend, i.account_currency AS currency,
    i.spend * fx.rate_to_reporting AS spend_reporting, i.actions_lead AS leads, i.actions_purchase AS purchases,
    i.action_values_purchase * fx.rate_to_reporting AS purchase_value_reporting
FROM staging.meta_insights_daily_by_country AS i
LEFT JOIN dw.country_codes AS cc ON cc.iso2 = i.country
LEFT JOIN dw.fx_daily AS fx ON fx.date = i.date_start AND fx.currency = i.account_currency;
COMMENT ON VIEW dw.fact_ad_performance_by_country_daily IS 'Grain: day × ad × country (Meta country breakdown; country as the English name GA4 uses).';

CREATE OR REPLACE VIEW dw.fact_ad_performance_by_device_daily AS
SELECT
    i.date_start AS date, i.account_id, COALESCE((SELECT channel FROM dw.channel_mapping WHERE platform = 'meta' AND source_value = '*'), 'Paid Social') AS channel,
    i.campaign_id, i.campaign_name AS campaign, i.ad_id, COALESCE(dv.device, 'other') AS device, i.device_platform,
    i.impressions, i.clicks, i.inline_link_clicks AS link_clicks, i.spend, i.account_currency AS currency,
    i.spend * fx.rate_to_reporting AS spend_reporting, i.actions_lead AS leads, i.actions_purchase AS purchases,
    i.action_values_purchase * fx.rate_to_reporting AS purchase_value_reporting
FROM staging.meta_insights_daily_by_device_platform AS i
LEFT JOIN dw.dim_device AS dv ON dv.platform = 'meta' AND dv.platform_label = i.device_platform
LEFT JOIN dw.fx_daily AS fx ON fx.date = i.date_start AND fx.currency = i.account_currency;
COMMENT ON VIEW dw.fact_ad_performance_by_device_daily IS 'Grain: day × ad × Meta device platform (mobile_app and mobile_web are both device mobile).';

CREATE OR REPLACE VIEW dw.fact_ad_reach AS
SELECT i.date_start AS date, i.account_id, i.campaign_id, i.campaign_name AS campaign, i.adset_id, i.ad_id, i.ad_name,
       i.impressions, i.reach, CAST(i.impressions AS DOUBLE) / NULLIF(i.reach, 0) AS frequency
FROM staging.meta_insights_daily AS i
WHERE NOT i.reach_unavailable AND i.reach IS NOT NULL;
COMMENT ON VIEW dw.fact_ad_reach IS 'Grain-locked: reach of one ad on one day exactly as Meta counted it. Reach is people, not events: never sum it across days, ads or campaigns.';

-- Google Ads has no connector of its own: GA4 reports the cost, clicks and impressions of a linked Google Ads account
-- (advertiserAd* metrics), which is where most SMEs' paid-search cost lives.
CREATE OR REPLACE VIEW dw.fact_google_ads_daily AS
SELECT
    g.date,
    g._account_id                                                    AS account_id,
    g.session_google_ads_account_name                                AS ads_account,
    COALESCE((SELECT channel FROM dw.channel_mapping WHERE platform = 'google_ads' AND source_value = '*'), 'Paid Search') AS channel,
    g.session_google_ads_campaign_id                                 AS campaign_id,
    g.session_google_ads_campaign_name                               AS campaign,
    g.advertiser_ad_impressions                                      AS impressions,
    g.advertiser_ad_clicks                                           AS clicks,
    g.advertiser_ad_cost                                             AS cost,
    g.currency_code                                                  AS currency,
    g.advertiser_ad_cost * fx.rate_to_reporting                      AS cost_reporting
FROM staging.ga4_google_ads_daily AS g
LEFT JOIN dw.fx_daily AS fx ON fx.date = g.date AND fx.currency = g.currency_code;
COMMENT ON VIEW dw.fact_google_ads_daily IS 'Grain: day (GA4 property time zone) × property × Google Ads account × campaign. Cost, clicks and impressions of the Google Ads account linked to the GA4 property, as GA4 reports them (advertiserAdCost/Clicks/Impressions); cost in the property currency and in the reporting currency.';
COMMENT ON COLUMN dw.fact_google_ads_daily.clicks IS 'Google Ads clicks (advertiserAdClicks); counted as link clicks in CTR, CPC and ad conversion rate.';

CREATE OR REPLACE VIEW dw.fact_email_campaign AS
SELECT
    r.campaign_id,
    r._account_id                                                    AS account_id,
    r.list_id,
    CAST(timezone(s.reporting_time_zone, timezone('UTC', r.send_time)) AS DATE) AS send_date,
    r.campaign_title,
    COALESCE(NULLIF(c.utm_campaign, ''), r.campaign_title)           AS campaign,
    COALESCE((SELECT channel FROM dw.channel_mapping WHERE platform = 'mailchimp' AND source_value = '*'), 'Email') AS channel,
    r.emails_sent,
    r.hard_bounces,
    r.soft_bounces,
    r.emails_sent - r.hard_bounces - r.soft_bounces                  AS delivered,
    r.unique_opens,
    r.proxy_excluded_unique_opens                                    AS human_unique_opens,
    r.opens_total,
    r.unique_subscriber_clicks,
    r.clicks_total,
    r.unsubscribed,
    r.abuse_reports,
    r.ecommerce_total_orders                                         AS orders,
    r.ecommerce_total_revenue                                        AS revenue,
    r.currency_code                                                  AS currency
FROM staging.mailchimp_campaign_reports AS r
CROSS JOIN dw.settings AS s
LEFT JOIN staging.mailchimp_campaigns AS c ON c.id = r.campaign_id AND c._account_id = r._account_id
WHERE r.send_time IS NOT NULL;
COMMENT ON VIEW dw.fact_email_campaign IS 'Grain: one sent campaign, dated by its send day. Counts are Mailchimp''s report totals to date (they grow for a few days after sending). human_unique_opens excludes Apple Mail Privacy Protection machine opens and is NULL where Mailchimp does not report it (older campaigns).';

CREATE OR REPLACE VIEW dw.fact_email_list_daily AS
WITH cleaned AS (
    SELECT m._account_id, m.list_id, CAST(timezone(s.reporting_time_zone, timezone('UTC', m.last_changed)) AS DATE) AS date, count(*) AS cleaned
    FROM staging.mailchimp_list_members AS m CROSS JOIN dw.settings AS s
    WHERE m.status = 'cleaned' AND m.last_changed IS NOT NULL
    GROUP BY ALL
)
SELECT
    COALESCE(a.day, c.date)                                          AS date,
    COALESCE(a._account_id, c._account_id)                           AS account_id,
    COALESCE(a.list_id, c.list_id)                                   AS list_id,
    COALESCE(a.subs, 0)                                              AS subs,
    COALESCE(a.other_adds, 0)                                        AS other_adds,
    COALESCE(a.unsubs, 0)                                            AS unsubs,
    COALESCE(a.other_removes, 0)                                     AS other_removes,
    COALESCE(c.cleaned, 0)                                           AS cleaned,
    COALESCE(a.subs, 0) + COALESCE(a.other_adds, 0) - COALESCE(a.unsubs, 0) - COALESCE(a.other_removes, 0) - COALESCE(c.cleaned, 0) AS net_growth,
    COALESCE(a.emails_sent, 0)                                       AS emails_sent
FROM staging.mailchimp_list_activity_daily AS a
FULL OUTER JOIN cleaned AS c ON c._account_id = a._account_id AND c.list_id = a.list_id AND c.date = a.day;
COMMENT ON VIEW dw.fact_email_list_daily IS 'Grain: day × list. Mailchimp''s daily list activity; cleaned = members whose status became cleaned that day (list activity does not report it).';

CREATE OR REPLACE VIEW dw.fact_lead AS
WITH contacts AS (
    SELECT c.*, s.reporting_time_zone AS tz,
           COALESCE(m.channel, 'Unassigned') AS channel
    FROM staging.hubspot_contacts AS c
    CROSS JOIN dw.settings AS s
    LEFT JOIN dw.channel_mapping AS m ON m.platform = 'hubspot' AND lower(m.source_value) = lower(c.hs_analytics_source)
    WHERE NOT COALESCE(c.archived, false)
),
stages AS (
    SELECT id, _account_id, channel, hs_analytics_source_data_2 AS campaign, tz, 'lead' AS stage,
           COALESCE(hs_lifecyclestage_lead_date,
                    CASE WHEN lifecyclestage IN ('lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist')
                         THEN createdate END) AS entered_at
    FROM contacts
    UNION ALL SELECT id, _account_id, channel, hs_analytics_source_data_2, tz, 'mql', hs_lifecyclestage_marketingqualifiedlead_date FROM contacts
    UNION ALL SELECT id, _account_id, channel, hs_analytics_source_data_2, tz, 'sql', hs_lifecyclestage_salesqualifiedlead_date FROM contacts
    UNION ALL SELECT id, _account_id, channel, hs_analytics_source_data_2, tz, 'opportunity', hs_lifecyclestage_opportunity_date FROM contacts
    UNION ALL SELECT id, _account_id, channel, hs_analytics_source_data_2, tz, 'customer', hs_lifecyclestage_customer_date FROM contacts
)
SELECT id AS contact_id, _account_id AS account_id, stage,
       CAST(timezone(tz, timezone('UTC', entered_at)) AS DATE) AS entered_date,
       channel, NULLIF(campaign, '') AS campaign
FROM stages
WHERE entered_at IS NOT NULL;
COMMENT ON VIEW dw.fact_lead IS 'Grain: contact × lifecycle stage entered (lead, mql, sql, opportunity, customer), dated by the stage entry. A lead is dated by its lead date, or by its create date when HubSpot set no lead date on a contact already past subscriber. Channel from HubSpot''s original source, campaign from its drill-down 2 (the UTM campaign).';

CREATE OR REPLACE VIEW dw.fact_deal AS
SELECT
    d.id                                                             AS deal_id,
    d._account_id                                                    AS account_id,
    d.pipeline,
    d.dealstage,
    CAST(timezone(s.reporting_time_zone, timezone('UTC', d.createdate)) AS DATE) AS created_date,
    CASE WHEN d.hs_is_closed THEN CAST(timezone(s.reporting_time_zone, timezone('UTC', d.closedate)) AS DATE) END AS closed_date,
    COALESCE(d.hs_is_closed, false)                                  AS is_closed,
    COALESCE(d.hs_is_closed_won, false)                              AS is_won,
    COALESCE(d.amount, 0)                                            AS amount,
    COALESCE(d.deal_currency_code, s.reporting_currency)             AS currency,
    COALESCE(d.amount, 0) * fx.rate_to_reporting                     AS amount_reporting,
    COALESCE(m.channel, 'Unassigned')                                AS channel,
    COALESCE('company:' || json_extract_string(co.to_object_ids, '$[0]'),
             'contact:' || json_extract_string(ct.to_object_ids, '$[0]'),
             'deal:' || d.id)                                        AS customer_key
FROM staging.hubspot_deals AS d
CROSS JOIN dw.settings AS s
LEFT JOIN dw.channel_mapping AS m ON m.platform = 'hubspot' AND lower(m.source_value) = lower(d.hs_analytics_source)
LEFT JOIN staging.hubspot_deal_associations AS co ON co.deal_id = d.id AND co._account_id = d._account_id AND co.to_object_type = 'companies' AND co.association_count > 0
LEFT JOIN staging.hubspot_deal_associations AS ct ON ct.deal_id = d.id AND ct._account_id = d._account_id AND ct.to_object_type = 'contacts' AND ct.association_count > 0
LEFT JOIN dw.fx_daily AS fx
       ON fx.currency = COALESCE(d.deal_currency_code, s.reporting_currency)
      AND fx.date = CAST(timezone(s.reporting_time_zone, timezone('UTC', COALESCE(CASE WHEN d.hs_is_closed THEN d.closedate END, d.createdate))) AS DATE)
WHERE NOT COALESCE(d.archived, false);
COMMENT ON VIEW dw.fact_deal IS 'Grain: one deal (archived deals excluded). Dated by create and, once closed, close day. Amount in the deal currency and in the reporting currency at the close (else create) day. customer_key is the first associated company, else contact, else the deal itself.';

CREATE OR REPLACE VIEW dw.dim_customer AS
WITH won AS (
    SELECT customer_key, closed_date, amount_reporting, channel, deal_id,
           row_number() OVER (PARTITION BY customer_key ORDER BY closed_date, deal_id) AS nth
    FROM dw.fact_deal WHERE is_won
)
SELECT
    customer_key,
    split_part(customer_key, ':', 1)                                 AS customer_kind,
    split_part(customer_key, ':', 2)                                 AS customer_id,
    min(closed_date)                                                 AS first_won_date,
    CAST(date_trunc('month', min(closed_date)) AS DATE)              AS cohort_month,
    max(closed_date)                                                 AS last_won_date,
    count(*)                                                         AS won_deals,
    sum(amount_reporting)                                            AS lifetime_revenue,
    max(CASE WHEN nth = 1 THEN channel END)                          AS acquisition_channel
FROM won
GROUP BY customer_key;
COMMENT ON VIEW dw.dim_customer IS 'Customers: a CRM company (else contact) with at least one won deal. cohort_month is the month of the first won deal; acquisition_channel the channel of that deal. lifetime_revenue in the reporting currency.';

CREATE OR REPLACE VIEW dw.fact_marketing_cost AS
SELECT date, 'meta' AS platform, account_id, channel, campaign, spend AS cost, currency, spend_reporting AS cost_reporting
FROM dw.fact_ad_performance_daily
UNION ALL
SELECT date, 'google_ads', account_id, channel, campaign, cost, currency, cost_reporting
FROM dw.fact_google_ads_daily
UNION ALL
SELECT c.date, 'files', c._account_id, COALESCE(m.channel, 'Unassigned'), NULLIF(c.campaign, ''), c.cost, c.currency,
       c.cost * fx.rate_to_reporting
FROM staging.files_marketing_costs AS c
LEFT JOIN dw.channel_mapping AS m ON m.platform = 'files' AND lower(m.source_value) = lower(c.channel)
LEFT JOIN dw.fx_daily AS fx ON fx.date = c.date AND fx.currency = c.currency;
COMMENT ON VIEW dw.fact_marketing_cost IS 'Grain: day × platform × account × channel × campaign. Ad spend (Meta, Google Ads via GA4) and other marketing costs (marketing_costs.csv), in the row currency and the reporting currency.';

CREATE OR REPLACE VIEW dw.fact_nps_response AS
SELECT n.response_key, n.date, n.score,
       CASE WHEN n.score >= 9 THEN 'promoter' WHEN n.score >= 7 THEN 'passive' ELSE 'detractor' END AS category,
       CASE WHEN n.score >= 9 THEN 1 WHEN n.score >= 7 THEN 0 ELSE -1 END AS nps_points,
       n.channel AS survey_channel
FROM staging.files_nps_responses AS n;
COMMENT ON VIEW dw.fact_nps_response IS 'Grain: one survey response. Promoters score 9-10 (+1), passives 7-8 (0), detractors 0-6 (-1); NPS = 100 × Σ points / responses.';

CREATE OR REPLACE VIEW dw.kpi_target AS
SELECT t.kpi AS kpi_id, t.period_start, t.period_end, t.target, COALESCE(NULLIF(t.segment, ''), 'All') AS segment,
       t.kpi IN (SELECT kpi_id FROM mart.kpi_catalog) AS kpi_known
FROM staging.files_kpi_targets AS t;
COMMENT ON VIEW dw.kpi_target IS 'Targets per KPI and period from kpi_targets.csv; segment All means the whole business. kpi_known is false for an id the catalog does not have.';
