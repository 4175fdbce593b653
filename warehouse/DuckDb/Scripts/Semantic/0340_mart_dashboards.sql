-- The three audience dashboards of the KPI brief (executive, marketing manager, channel specialist). They only
-- pivot mart.kpi_values and mart.kpi_measures, so every KPI shown here is the same number the KPI mart reports.
-- The only figures computed here are those the KPI mart cannot hold: shares, growth against the previous period,
-- and the customer-based LTVs (they need distinct customers, which no additive measure can give).

-- Executive: month and quarter × channel, plus an All row per period, pivoted from mart.kpi_values.
CREATE OR REPLACE VIEW mart.dashboard_executive AS
WITH kpis AS (
    SELECT grain, period_start, period_end, segment_type, segment, kpi_id, value, period_complete
    FROM mart.kpi_values
    WHERE grain IN ('month', 'quarter') AND segment_type IN ('all', 'channel')
      AND kpi_id IN ('revenue', 'roi', 'romi', 'new_customers', 'cac', 'aov')
),
month_measures AS (
    SELECT grain, period_start, segment_type, segment, measure, value
    FROM mart.kpi_measures
    WHERE grain = 'month' AND segment_type IN ('all', 'channel')
      AND measure IN ('ad_spend', 'other_marketing_cost', 'won_revenue', 'won_deals')
),
measures AS (
    SELECT grain, period_start, segment_type, segment, measure, value
    FROM mart.kpi_measures
    WHERE grain IN ('month', 'quarter') AND segment_type IN ('all', 'channel')
      AND measure IN ('ad_spend', 'other_marketing_cost', 'won_revenue', 'won_deals')
),
base AS (
    SELECT grain, period_start, any_value(period_end) AS period_end, segment_type, segment,
           bool_and(period_complete) AS period_complete,
           max(value) FILTER (WHERE kpi_id = 'revenue')       AS revenue,
           max(value) FILTER (WHERE kpi_id = 'roi')           AS roi,
           max(value) FILTER (WHERE kpi_id = 'romi')          AS romi,
           max(value) FILTER (WHERE kpi_id = 'new_customers') AS new_customers,
           max(value) FILTER (WHERE kpi_id = 'cac')           AS cac,
           max(value) FILTER (WHERE kpi_id = 'aov')           AS aov
    FROM kpis
    GROUP BY grain, period_start, segment_type, segment
),
costs AS (
    SELECT grain, period_start, segment_type, segment,
           CAST(sum(value) FILTER (WHERE measure IN ('ad_spend', 'other_marketing_cost')) AS DOUBLE) AS marketing_cost
    FROM measures
    GROUP BY ALL
),
-- LTV (formula) inputs: the trailing 12 months ending with the period (month rows of the same segment).
trailing_sums AS (
    SELECT r.grain, r.period_start, r.segment_type, r.segment,
           sum(m.value) FILTER (WHERE m.measure = 'won_revenue') AS won_revenue_12m,
           sum(m.value) FILTER (WHERE m.measure = 'won_deals')   AS won_deals_12m
    FROM base AS r
    JOIN month_measures AS m
      ON m.segment_type = r.segment_type AND m.segment = r.segment
     AND m.period_start > r.period_end - INTERVAL 12 MONTH AND m.period_start <= r.period_end
    GROUP BY ALL
),
won AS (
    SELECT d.customer_key, d.closed_date, d.channel AS deal_channel, d.amount_reporting,
           c.acquisition_channel, c.first_won_date
    FROM dw.fact_deal AS d
    JOIN dw.dim_customer AS c ON c.customer_key = d.customer_key
    WHERE d.is_won AND d.closed_date IS NOT NULL
),
-- Distinct customers buying in the trailing 12 months (by deal channel, like won_deals), and how many of those
-- months the CRM actually has data for, so a short history is not divided by 12.
trailing_customers AS (
    SELECT r.grain, r.period_start, r.segment_type, r.segment,
           count(DISTINCT w.customer_key) AS customers_12m
    FROM base AS r
    JOIN won AS w
      ON (r.segment_type = 'all' OR w.deal_channel = r.segment)
     AND w.closed_date > r.period_end - INTERVAL 12 MONTH AND w.closed_date <= r.period_end
    GROUP BY ALL
),
crm_start AS (
    SELECT CAST(date_trunc('month', min(created_date)) AS DATE) AS first_month FROM dw.fact_deal
),
-- LTV (historic) as of the period end: revenue won up to the period end from the customers acquired up to then,
-- per acquisition channel (every deal of such a customer counts, whatever channel the later deal came from).
historic AS (
    SELECT r.grain, r.period_start, r.segment_type, r.segment,
           count(DISTINCT w.customer_key) AS customers_to_date,
           sum(w.amount_reporting)        AS revenue_to_date
    FROM base AS r
    JOIN won AS w
      ON (r.segment_type = 'all' OR w.acquisition_channel = r.segment)
     AND w.closed_date <= r.period_end
    GROUP BY ALL
),
assembled AS (
    SELECT
        r.grain,
        r.period_start,
        r.period_end,
        r.segment AS channel,
        r.segment_type = 'all' AS is_total,
        r.revenue,
        r.revenue / NULLIF(a.revenue, 0) AS revenue_share,
        c.marketing_cost,
        r.roi,
        r.romi,
        CAST(r.new_customers AS BIGINT) AS new_customers,
        r.cac,
        r.aov,
        CAST(h.revenue_to_date / NULLIF(h.customers_to_date, 0) AS DOUBLE) AS ltv_historic,
        CAST(t.won_revenue_12m / NULLIF(t.won_deals_12m, 0) AS DOUBLE) AS aov_12m,
        CAST(t.won_deals_12m / NULLIF(tc.customers_12m, 0)
             / NULLIF(least(12, greatest(0, date_diff('month', cs.first_month, CAST(date_trunc('month', r.period_end) AS DATE)) + 1)), 0)
             AS DOUBLE) AS purchases_per_customer_month,
        r.period_complete,
        p.revenue AS previous_revenue
    FROM base AS r
    LEFT JOIN base AS a
      ON a.grain = r.grain AND a.period_start = r.period_start AND a.segment_type = 'all'
    LEFT JOIN base AS p
      ON p.grain = r.grain AND p.segment_type = r.segment_type AND p.segment = r.segment
     AND p.period_start = CAST(r.period_start - CASE r.grain WHEN 'quarter' THEN INTERVAL 3 MONTH ELSE INTERVAL 1 MONTH END AS DATE)
    LEFT JOIN costs AS c
      ON c.grain = r.grain AND c.period_start = r.period_start AND c.segment_type = r.segment_type AND c.segment = r.segment
    LEFT JOIN trailing_sums AS t
      ON t.grain = r.grain AND t.period_start = r.period_start AND t.segment_type = r.segment_type AND t.segment = r.segment
    LEFT JOIN trailing_customers AS tc
      ON tc.grain = r.grain AND tc.period_start = r.period_start AND tc.segment_type = r.segment_type AND tc.segment = r.segment
    LEFT JOIN historic AS h
      ON h.grain = r.grain AND h.period_start = r.period_start AND h.segment_type = r.segment_type AND h.segment = r.segment
    CROSS JOIN crm_start AS cs
)
SELECT
    x.grain,
    x.period_start,
    x.period_end,
    x.channel,
    x.is_total,
    s.reporting_currency AS currency,
    x.revenue,
    x.revenue_share,
    CAST((x.revenue - x.previous_revenue) / NULLIF(x.previous_revenue, 0) AS DOUBLE) AS sales_growth,
    x.marketing_cost,
    x.roi,
    x.romi,
    x.new_customers,
    x.cac,
    x.aov,
    x.ltv_historic,
    x.aov_12m,
    x.purchases_per_customer_month,
    CAST(x.aov_12m * x.purchases_per_customer_month * s.expected_lifespan_months AS DOUBLE) AS ltv_formula,
    x.ltv_historic / NULLIF(x.cac, 0) AS ltv_to_cac,
    x.period_complete
FROM assembled AS x
CROSS JOIN dw.settings AS s;
COMMENT ON VIEW mart.dashboard_executive IS 'Executive dashboard: per month and quarter, one row per channel plus an All row (is_total). Revenue, cost, ROI, ROMI, new customers, CAC and AOV are the mart.kpi_values figures; LTVs are computed from CRM customers. Money in the reporting currency.';
COMMENT ON COLUMN mart.dashboard_executive.grain IS 'month or quarter (calendar).';
COMMENT ON COLUMN mart.dashboard_executive.period_start IS 'First day of the month or quarter.';
COMMENT ON COLUMN mart.dashboard_executive.period_end IS 'Last day of the month or quarter.';
COMMENT ON COLUMN mart.dashboard_executive.channel IS 'Marketing channel; All on the row that covers every channel.';
COMMENT ON COLUMN mart.dashboard_executive.is_total IS 'True on the All row (the whole business), false on channel rows.';
COMMENT ON COLUMN mart.dashboard_executive.currency IS 'Reporting currency of every money column.';
COMMENT ON COLUMN mart.dashboard_executive.revenue IS 'Won deal revenue closed in the period (KPI revenue), by the deal''s channel.';
COMMENT ON COLUMN mart.dashboard_executive.revenue_share IS 'Channel revenue / All revenue of the same period (1 on the All row); NULL when the period has no revenue.';
COMMENT ON COLUMN mart.dashboard_executive.sales_growth IS 'Sales growth: (revenue − revenue of the previous month or quarter) / previous revenue; NULL when the previous period had none.';
COMMENT ON COLUMN mart.dashboard_executive.marketing_cost IS 'Ad spend + other marketing costs (cost files) in the period.';
COMMENT ON COLUMN mart.dashboard_executive.roi IS 'ROI: (revenue − marketing cost) / marketing cost; NULL without cost.';
COMMENT ON COLUMN mart.dashboard_executive.romi IS 'ROMI: (revenue × gross margin − marketing cost) / marketing cost; NULL without cost.';
COMMENT ON COLUMN mart.dashboard_executive.new_customers IS 'Customers whose first won deal closed in the period, by that deal''s channel.';
COMMENT ON COLUMN mart.dashboard_executive.cac IS 'CAC: marketing cost / new customers; NULL when there are no new customers.';
COMMENT ON COLUMN mart.dashboard_executive.aov IS 'AOV: revenue / won deals of the period.';
COMMENT ON COLUMN mart.dashboard_executive.ltv_historic IS 'LTV (historic) as of the period end: revenue won up to the period end / customers acquired up to the period end, by acquisition channel (All: every customer). Later periods'' revenue is not counted, so past rows do not change as customers buy again.';
COMMENT ON COLUMN mart.dashboard_executive.aov_12m IS 'AOV over the trailing 12 months ending with the period: won revenue / won deals.';
COMMENT ON COLUMN mart.dashboard_executive.purchases_per_customer_month IS 'Purchase frequency over the trailing 12 months: won deals / distinct customers who bought / months of the window that have CRM data (at most 12; the current month counts as a whole month).';
COMMENT ON COLUMN mart.dashboard_executive.ltv_formula IS 'LTV (formula): aov_12m × purchases_per_customer_month × expected lifespan in months (setting ExpectedLifespanMonths). An estimate, not observed revenue; compare ltv_historic.';
COMMENT ON COLUMN mart.dashboard_executive.ltv_to_cac IS 'LTV:CAC = ltv_historic / cac of the same row (3 is the usual healthy mark); NULL when CAC is NULL or 0.';
COMMENT ON COLUMN mart.dashboard_executive.period_complete IS 'False while the period reaches past the last day GA4 data is loaded for.';

-- Marketing manager: per campaign (conformed UTM name) and week or month.
CREATE OR REPLACE VIEW mart.dashboard_marketing AS
WITH k AS (
    SELECT grain, period_start, any_value(period_end) AS period_end, segment AS campaign,
           bool_and(period_complete) AS period_complete,
           max(value) FILTER (WHERE kpi_id = 'impressions')         AS impressions,
           max(numerator) FILTER (WHERE kpi_id = 'ctr')             AS link_clicks,
           max(value) FILTER (WHERE kpi_id = 'ctr')                 AS ctr,
           max(value) FILTER (WHERE kpi_id = 'cpc')                 AS cpc,
           max(value) FILTER (WHERE kpi_id = 'leads')               AS leads,
           max(value) FILTER (WHERE kpi_id = 'cpl')                 AS cpl,
           max(numerator) FILTER (WHERE kpi_id = 'ad_conversion_rate') AS ad_conversions,
           max(value) FILTER (WHERE kpi_id = 'ad_conversion_rate')  AS ad_conversion_rate,
           max(numerator) FILTER (WHERE kpi_id = 'roas')            AS ad_conversion_value,
           max(value) FILTER (WHERE kpi_id = 'roas')                AS roas,
           max(value) FILTER (WHERE kpi_id = 'sessions')            AS sessions,
           max(value) FILTER (WHERE kpi_id = 'web_conversion_rate') AS web_conversion_rate
    FROM mart.kpi_values
    WHERE grain IN ('week', 'month') AND segment_type = 'campaign'
      AND kpi_id IN ('impressions', 'ctr', 'cpc', 'leads', 'cpl', 'ad_conversion_rate', 'roas', 'sessions', 'web_conversion_rate')
    GROUP BY grain, period_start, segment
),
m AS (
    SELECT grain, period_start, any_value(period_end) AS period_end, segment AS campaign,
           sum(value) FILTER (WHERE measure = 'ad_spend')             AS spend,
           sum(value) FILTER (WHERE measure = 'other_marketing_cost') AS other_marketing_cost,
           sum(value) FILTER (WHERE measure = 'ad_leads')             AS ad_leads
    FROM mart.kpi_measures
    WHERE grain IN ('week', 'month') AND segment_type = 'campaign'
      AND measure IN ('ad_spend', 'other_marketing_cost', 'ad_leads')
    GROUP BY grain, period_start, segment
),
last_loaded AS (
    SELECT COALESCE(max(date), DATE '1900-01-01') AS last_date FROM dw.kpi_measure_daily WHERE platform = 'ga4'
),
platforms AS (
    SELECT utm_name AS campaign, string_agg(DISTINCT platform, ', ' ORDER BY platform) AS platforms
    FROM (
        SELECT utm_name, platform FROM dw.dim_campaign
        UNION ALL
        SELECT DISTINCT campaign, 'files' FROM dw.fact_marketing_cost WHERE platform = 'files' AND campaign IS NOT NULL
    ) AS p
    GROUP BY utm_name
)
SELECT
    COALESCE(k.grain, m.grain)                                    AS grain,
    COALESCE(k.period_start, m.period_start)                      AS period_start,
    COALESCE(k.period_end, m.period_end)                          AS period_end,
    COALESCE(k.campaign, m.campaign)                              AS campaign,
    p.platforms,
    s.reporting_currency                                          AS currency,
    CAST(m.spend AS DOUBLE)                                       AS spend,
    CAST(m.other_marketing_cost AS DOUBLE)                        AS other_marketing_cost,
    CAST(k.impressions AS BIGINT)                                 AS impressions,
    CAST(k.link_clicks AS BIGINT)                                 AS link_clicks,
    k.ctr,
    k.cpc,
    CAST(k.leads AS BIGINT)                                       AS leads,
    k.cpl,
    CAST(m.ad_leads AS BIGINT)                                    AS ad_leads,
    CAST(k.ad_conversions AS BIGINT)                              AS ad_conversions,
    k.ad_conversion_rate,
    CAST(k.ad_conversion_value AS DOUBLE)                         AS ad_conversion_value,
    k.roas,
    CAST(k.sessions AS BIGINT)                                    AS sessions,
    k.web_conversion_rate,
    COALESCE(k.period_complete, COALESCE(k.period_end, m.period_end) <= l.last_date) AS period_complete
FROM k
FULL OUTER JOIN m ON m.grain = k.grain AND m.period_start = k.period_start AND m.campaign = k.campaign
LEFT JOIN platforms AS p ON p.campaign = COALESCE(k.campaign, m.campaign)
CROSS JOIN dw.settings AS s
CROSS JOIN last_loaded AS l;
COMMENT ON VIEW mart.dashboard_marketing IS 'Marketing manager dashboard: one row per campaign (conformed UTM name, joining Meta ads, Mailchimp sends, GA4 sessions and HubSpot leads of one campaign) per ISO week or month. KPIs are the mart.kpi_values campaign figures; money in the reporting currency.';
COMMENT ON COLUMN mart.dashboard_marketing.grain IS 'week (ISO, Monday start) or month.';
COMMENT ON COLUMN mart.dashboard_marketing.period_start IS 'First day of the week or month.';
COMMENT ON COLUMN mart.dashboard_marketing.period_end IS 'Last day of the week or month.';
COMMENT ON COLUMN mart.dashboard_marketing.campaign IS 'Campaign by its conformed UTM name.';
COMMENT ON COLUMN mart.dashboard_marketing.platforms IS 'Platforms the campaign is known on (dw.dim_campaign: meta, mailchimp, ga4; files = it has costs in marketing_costs.csv), comma-separated.';
COMMENT ON COLUMN mart.dashboard_marketing.currency IS 'Reporting currency of every money column.';
COMMENT ON COLUMN mart.dashboard_marketing.spend IS 'Ad spend (Meta) of the campaign in the period.';
COMMENT ON COLUMN mart.dashboard_marketing.other_marketing_cost IS 'Other marketing costs of the campaign from marketing_costs.csv (not part of CPC, CPL or ROAS, which use ad spend).';
COMMENT ON COLUMN mart.dashboard_marketing.impressions IS 'Ad impressions.';
COMMENT ON COLUMN mart.dashboard_marketing.link_clicks IS 'Ad link clicks (Meta inline link clicks).';
COMMENT ON COLUMN mart.dashboard_marketing.ctr IS 'CTR: link clicks / impressions.';
COMMENT ON COLUMN mart.dashboard_marketing.cpc IS 'CPC: ad spend / link clicks.';
COMMENT ON COLUMN mart.dashboard_marketing.leads IS 'CRM leads: HubSpot contacts whose lead date falls in the period and whose original UTM campaign is this one.';
COMMENT ON COLUMN mart.dashboard_marketing.cpl IS 'CPL: ad spend / CRM leads of the campaign; NULL without leads.';
COMMENT ON COLUMN mart.dashboard_marketing.ad_leads IS 'Lead actions Meta attributed to the ads (platform count, for comparison with CRM leads).';
COMMENT ON COLUMN mart.dashboard_marketing.ad_conversions IS 'Purchases Meta attributed to the ads.';
COMMENT ON COLUMN mart.dashboard_marketing.ad_conversion_rate IS 'Ad conversion rate: ad conversions / link clicks.';
COMMENT ON COLUMN mart.dashboard_marketing.ad_conversion_value IS 'Purchase value Meta attributed to the ads.';
COMMENT ON COLUMN mart.dashboard_marketing.roas IS 'ROAS: ad conversion value / ad spend.';
COMMENT ON COLUMN mart.dashboard_marketing.sessions IS 'GA4 sessions whose session campaign is this one.';
COMMENT ON COLUMN mart.dashboard_marketing.web_conversion_rate IS 'Web conversion rate: GA4 key events / sessions of the campaign.';
COMMENT ON COLUMN mart.dashboard_marketing.period_complete IS 'False while the period reaches past the last day GA4 data is loaded for.';

-- Channel specialist: one row per kind of activity, so each row only carries the columns that apply to it.
--   ads    a Meta campaign's delivery (impressions, CTR, CPC, CPM);
--   web    GA4 sessions of a campaign (engagement);
--   email  a Mailchimp campaign, dated by its send day;
--   list   the whole mailing list's growth (segment All).
-- A campaign can have several rows in a period (e.g. ads and web). Reach and frequency are not summable and are
-- not here: they are in mart.ad_reach_daily (one ad, one day).
CREATE OR REPLACE VIEW mart.dashboard_specialist AS
WITH v AS (
    SELECT grain, period_start, period_end, segment_type, segment, kpi_id, numerator, denominator, value, period_complete
    FROM mart.kpi_values
    WHERE grain IN ('week', 'month')
      AND (segment_type = 'campaign' OR (segment_type = 'all' AND kpi_id = 'list_growth'))
      AND kpi_id IN ('impressions', 'ctr', 'cpc', 'cpm', 'sessions', 'engagement_rate', 'bounce_rate', 'pages_per_session',
                     'avg_session_duration', 'email_open_rate', 'email_open_rate_human', 'email_click_rate',
                     'email_click_to_open_rate', 'email_unsubscribe_rate', 'email_bounce_rate', 'list_growth')
),
kinds AS (
    SELECT *,
           CASE
               WHEN kpi_id IN ('impressions', 'ctr', 'cpc', 'cpm') THEN 'ads'
               WHEN kpi_id IN ('sessions', 'engagement_rate', 'bounce_rate', 'pages_per_session', 'avg_session_duration') THEN 'web'
               WHEN kpi_id = 'list_growth' THEN 'list'
               ELSE 'email'
           END AS kind
    FROM v
),
mailchimp AS (
    SELECT DISTINCT utm_name FROM dw.dim_campaign WHERE platform = 'mailchimp'
),
pivoted AS (
    SELECT grain, period_start, any_value(period_end) AS period_end, kind, segment AS campaign,
           bool_and(period_complete) AS period_complete,
           max(value) FILTER (WHERE kpi_id = 'impressions')              AS impressions,
           max(numerator) FILTER (WHERE kpi_id = 'ctr')                  AS link_clicks,
           max(numerator) FILTER (WHERE kpi_id = 'cpc')                  AS spend,
           max(value) FILTER (WHERE kpi_id = 'ctr')                      AS ctr,
           max(value) FILTER (WHERE kpi_id = 'cpc')                      AS cpc,
           max(value) FILTER (WHERE kpi_id = 'cpm')                      AS cpm,
           max(value) FILTER (WHERE kpi_id = 'sessions')                 AS sessions,
           max(value) FILTER (WHERE kpi_id = 'engagement_rate')          AS engagement_rate,
           max(value) FILTER (WHERE kpi_id = 'bounce_rate')              AS bounce_rate,
           max(value) FILTER (WHERE kpi_id = 'pages_per_session')        AS pages_per_session,
           max(value) FILTER (WHERE kpi_id = 'avg_session_duration')     AS avg_session_duration,
           max(denominator) FILTER (WHERE kpi_id = 'email_bounce_rate')  AS emails_sent,
           max(denominator) FILTER (WHERE kpi_id = 'email_open_rate')    AS emails_delivered,
           max(value) FILTER (WHERE kpi_id = 'email_open_rate')          AS email_open_rate,
           max(value) FILTER (WHERE kpi_id = 'email_open_rate_human')    AS email_open_rate_human,
           max(value) FILTER (WHERE kpi_id = 'email_click_rate')         AS email_click_rate,
           max(value) FILTER (WHERE kpi_id = 'email_click_to_open_rate') AS email_click_to_open_rate,
           max(value) FILTER (WHERE kpi_id = 'email_unsubscribe_rate')   AS email_unsubscribe_rate,
           max(value) FILTER (WHERE kpi_id = 'email_bounce_rate')        AS email_bounce_rate,
           max(value) FILTER (WHERE kpi_id = 'list_growth')              AS list_growth
    FROM kinds
    -- Email KPIs only for segments that are Mailchimp campaigns (their measures come only from Mailchimp sends).
    WHERE kind <> 'email' OR segment IN (SELECT utm_name FROM mailchimp)
    GROUP BY grain, period_start, kind, segment
)
SELECT
    grain, period_start, period_end, kind, campaign,
    s.reporting_currency                  AS currency,
    CAST(impressions AS BIGINT)           AS impressions,
    CAST(link_clicks AS BIGINT)           AS link_clicks,
    CAST(spend AS DOUBLE)                 AS spend,
    ctr, cpc, cpm,
    CAST(sessions AS BIGINT)              AS sessions,
    engagement_rate, bounce_rate, pages_per_session, avg_session_duration,
    CAST(emails_sent AS BIGINT)           AS emails_sent,
    CAST(emails_delivered AS BIGINT)      AS emails_delivered,
    email_open_rate, email_open_rate_human, email_click_rate, email_click_to_open_rate, email_unsubscribe_rate, email_bounce_rate,
    CAST(list_growth AS BIGINT)           AS list_growth,
    period_complete
FROM pivoted
CROSS JOIN dw.settings AS s;
COMMENT ON VIEW mart.dashboard_specialist IS 'Channel specialist dashboard per ISO week or month. kind says what a row describes and which columns it fills: ads (a Meta or Google Ads campaign: impressions, CTR, CPC, CPM), web (GA4 sessions of a campaign: engagement), email (a Mailchimp campaign, dated by its send day) and list (growth of the whole mailing list, campaign All). Other columns are NULL. Reach and frequency are not summable and are in mart.ad_reach_daily.';
COMMENT ON COLUMN mart.dashboard_specialist.grain IS 'week (ISO, Monday start) or month.';
COMMENT ON COLUMN mart.dashboard_specialist.period_start IS 'First day of the week or month.';
COMMENT ON COLUMN mart.dashboard_specialist.period_end IS 'Last day of the week or month.';
COMMENT ON COLUMN mart.dashboard_specialist.kind IS 'ads, web, email or list: which activity the row describes.';
COMMENT ON COLUMN mart.dashboard_specialist.campaign IS 'Campaign by its conformed UTM name (Meta campaign, GA4 session campaign, Mailchimp utm_campaign else title); All on list rows.';
COMMENT ON COLUMN mart.dashboard_specialist.currency IS 'Reporting currency of spend, CPC and CPM.';
COMMENT ON COLUMN mart.dashboard_specialist.impressions IS 'ads: ad impressions.';
COMMENT ON COLUMN mart.dashboard_specialist.link_clicks IS 'ads: link clicks.';
COMMENT ON COLUMN mart.dashboard_specialist.spend IS 'ads: ad spend.';
COMMENT ON COLUMN mart.dashboard_specialist.ctr IS 'ads: CTR = link clicks / impressions.';
COMMENT ON COLUMN mart.dashboard_specialist.cpc IS 'ads: CPC = spend / link clicks.';
COMMENT ON COLUMN mart.dashboard_specialist.cpm IS 'ads: CPM = 1000 × spend / impressions.';
COMMENT ON COLUMN mart.dashboard_specialist.sessions IS 'web: GA4 sessions of the campaign.';
COMMENT ON COLUMN mart.dashboard_specialist.engagement_rate IS 'web: engaged sessions / sessions.';
COMMENT ON COLUMN mart.dashboard_specialist.bounce_rate IS 'web: 1 − engagement rate.';
COMMENT ON COLUMN mart.dashboard_specialist.pages_per_session IS 'web: page views / sessions.';
COMMENT ON COLUMN mart.dashboard_specialist.avg_session_duration IS 'web: engagement seconds / sessions.';
COMMENT ON COLUMN mart.dashboard_specialist.emails_sent IS 'email: emails sent by the campaign (Mailchimp report totals, which grow for a few days after the send).';
COMMENT ON COLUMN mart.dashboard_specialist.emails_delivered IS 'email: sent − hard bounces − soft bounces; the base of open, click and unsubscribe rates.';
COMMENT ON COLUMN mart.dashboard_specialist.email_open_rate IS 'email: unique opens / delivered.';
COMMENT ON COLUMN mart.dashboard_specialist.email_open_rate_human IS 'email: unique opens without Apple Mail Privacy Protection machine opens / delivered; NULL for campaigns Mailchimp reports without it.';
COMMENT ON COLUMN mart.dashboard_specialist.email_click_rate IS 'email: unique subscriber clicks / delivered.';
COMMENT ON COLUMN mart.dashboard_specialist.email_click_to_open_rate IS 'email: unique subscriber clicks / unique opens.';
COMMENT ON COLUMN mart.dashboard_specialist.email_unsubscribe_rate IS 'email: unsubscribes / delivered.';
COMMENT ON COLUMN mart.dashboard_specialist.email_bounce_rate IS 'email: (hard + soft bounces) / sent.';
COMMENT ON COLUMN mart.dashboard_specialist.list_growth IS 'list: subscribes + other adds − unsubscribes − other removes − cleaned, over every Mailchimp list.';
COMMENT ON COLUMN mart.dashboard_specialist.period_complete IS 'False while the period reaches past the last day GA4 data is loaded for.';
