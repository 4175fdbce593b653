-- Claimed vs actual: what the platforms claim (Meta's attributed leads, purchases and purchase value; GA4's key
-- events, purchases and purchase revenue) beside what the CRM shows under the declared attribution model
-- (dw.settings.attribution_model): leads by the contact's first touch, new customers by acquisition channel and
-- campaign, won revenue by dw.fact_deal's channel and campaign. Claimed and actual are never added: a platform
-- counts conversions it touched (overlapping other platforms), the CRM counts each lead, customer and euro once.
-- One row per month × channel (level 'channel', all campaigns) and per month × channel × campaign (level
-- 'campaign', named campaigns only). The claimer of a row is Meta where Meta has rows for it, else GA4.
CREATE VIEW mart.attribution_reconciliation AS
WITH facts AS (
    SELECT d.month_start, a.channel, a.campaign,
           1 AS meta_row, 0 AS ga4_row,
           a.leads AS meta_leads, a.purchases AS meta_purchases, a.purchase_value_reporting AS meta_value,
           NULL AS ga4_leads, NULL AS ga4_purchases, NULL AS ga4_value,
           0 AS crm_leads, 0 AS crm_customers, 0 AS crm_revenue
    FROM dw.fact_ad_performance_daily AS a
    JOIN dw.dim_date AS d ON d.date = a.date
    UNION ALL
    SELECT d.month_start, w.channel, w.campaign, 0, 1, NULL, NULL, NULL,
           w.key_events, w.transactions, w.purchase_revenue_reporting, 0, 0, 0
    FROM dw.fact_web_sessions_daily AS w
    JOIN dw.dim_date AS d ON d.date = w.date
    UNION ALL
    SELECT d.month_start, l.channel, l.campaign, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, 1, 0, 0
    FROM dw.fact_lead AS l
    JOIN dw.dim_date AS d ON d.date = l.entered_date
    WHERE l.stage = 'lead'
    UNION ALL
    SELECT d.month_start, c.acquisition_channel, c.acquisition_campaign, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, 1, 0
    FROM dw.dim_customer AS c
    JOIN dw.dim_date AS d ON d.date = c.first_won_date
    UNION ALL
    SELECT d.month_start, f.channel, f.campaign, 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, f.amount_reporting
    FROM dw.fact_deal AS f
    JOIN dw.dim_date AS d ON d.date = f.closed_date
    WHERE NOT {{is_false(f.is_won)}}
),
levels AS (
    SELECT month_start, 'channel' AS level, channel, CAST(NULL AS VARCHAR(400)) AS campaign,
           SUM(meta_row) AS meta_rows, SUM(ga4_row) AS ga4_rows,
           SUM(meta_leads) AS meta_leads, SUM(meta_purchases) AS meta_purchases, SUM(meta_value) AS meta_value,
           SUM(ga4_leads) AS ga4_leads, SUM(ga4_purchases) AS ga4_purchases, SUM(ga4_value) AS ga4_value,
           SUM(crm_leads) AS crm_leads, SUM(crm_customers) AS crm_customers, SUM(crm_revenue) AS crm_revenue
    FROM facts
    GROUP BY month_start, channel
    UNION ALL
    SELECT month_start, 'campaign', channel, campaign,
           SUM(meta_row), SUM(ga4_row), SUM(meta_leads), SUM(meta_purchases), SUM(meta_value),
           SUM(ga4_leads), SUM(ga4_purchases), SUM(ga4_value), SUM(crm_leads), SUM(crm_customers), SUM(crm_revenue)
    FROM facts
    WHERE campaign IS NOT NULL
    GROUP BY month_start, channel, campaign
),
claimed AS (
    SELECT l.*,
           CASE WHEN l.meta_rows > 0 THEN 'meta' WHEN l.ga4_rows > 0 THEN 'ga4' END AS claimed_by,
           CAST(CASE WHEN l.meta_rows > 0 THEN COALESCE(l.meta_leads, 0) WHEN l.ga4_rows > 0 THEN COALESCE(l.ga4_leads, 0) END AS {{float}})         AS claimed_leads,
           CAST(CASE WHEN l.meta_rows > 0 THEN COALESCE(l.meta_purchases, 0) WHEN l.ga4_rows > 0 THEN COALESCE(l.ga4_purchases, 0) END AS {{float}}) AS claimed_purchases,
           CAST(CASE WHEN l.meta_rows > 0 THEN COALESCE(l.meta_value, 0) WHEN l.ga4_rows > 0 THEN COALESCE(l.ga4_value, 0) END AS {{float}})         AS claimed_value
    FROM levels AS l
)
SELECT
    c.month_start                                                                AS month,
    c.level,
    c.channel,
    c.campaign,
    c.claimed_by,
    c.claimed_leads,
    c.claimed_purchases,
    c.claimed_value,
    CAST(c.crm_leads AS BIGINT)                                                  AS crm_leads,
    CAST(c.crm_customers AS BIGINT)                                              AS crm_new_customers,
    CAST(c.crm_revenue AS {{float}})                                             AS crm_revenue,
    CAST(c.crm_leads AS {{float}}) / NULLIF(c.claimed_leads, 0)                  AS lead_overlap,
    CAST(c.crm_customers AS {{float}}) / NULLIF(c.claimed_purchases, 0)          AS customer_overlap,
    CAST(c.crm_revenue AS {{float}}) / NULLIF(c.claimed_value, 0)                AS revenue_overlap,
    s.attribution_model,
    s.reporting_currency                                                         AS currency
FROM claimed AS c
CROSS JOIN dw.settings AS s;
