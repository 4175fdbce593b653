-- The three audience dashboards of the KPI brief (executive, marketing manager, channel specialist). They only
-- pivot mart.kpi_values and mart.kpi_measures, so every KPI shown here is the same number the KPI mart reports.
-- The only figures computed here are those the KPI mart cannot hold: shares, growth against the previous period,
-- and the customer-based LTVs (they need distinct customers, which no additive measure can give).
-- T-SQL twin of warehouse/DuckDb/Scripts/Semantic/0340_mart_dashboards.sql. Pivots: max(x) FILTER (WHERE ...) becomes
-- MAX(CASE WHEN ... THEN x END), bool_and becomes MIN over 0/1, any_value MAX (one value per group). Counts read
-- from float KPI values are rounded before the cast to bigint (DuckDB's cast rounds, SQL Server's truncates).

-- Executive: month and quarter × channel, plus an All row per period, pivoted from mart.kpi_values.
CREATE OR ALTER VIEW mart.dashboard_executive AS
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
    SELECT grain, period_start, MAX(period_end) AS period_end, segment_type, segment,
           CAST(MIN(CAST(period_complete AS int)) AS bit)          AS period_complete,
           MAX(CASE WHEN kpi_id = 'revenue' THEN value END)       AS revenue,
           MAX(CASE WHEN kpi_id = 'roi' THEN value END)           AS roi,
           MAX(CASE WHEN kpi_id = 'romi' THEN value END)          AS romi,
           MAX(CASE WHEN kpi_id = 'new_customers' THEN value END) AS new_customers,
           MAX(CASE WHEN kpi_id = 'cac' THEN value END)           AS cac,
           MAX(CASE WHEN kpi_id = 'aov' THEN value END)           AS aov
    FROM kpis
    GROUP BY grain, period_start, segment_type, segment
),
costs AS (
    SELECT grain, period_start, segment_type, segment,
           CAST(SUM(CASE WHEN measure IN ('ad_spend', 'other_marketing_cost') THEN value END) AS float) AS marketing_cost
    FROM measures
    GROUP BY grain, period_start, segment_type, segment
),
-- LTV (formula) inputs: the trailing 12 months ending with the period (month rows of the same segment).
trailing_sums AS (
    SELECT r.grain, r.period_start, r.segment_type, r.segment,
           SUM(CASE WHEN m.measure = 'won_revenue' THEN m.value END) AS won_revenue_12m,
           SUM(CASE WHEN m.measure = 'won_deals' THEN m.value END)   AS won_deals_12m
    FROM base AS r
    JOIN month_measures AS m
      ON m.segment_type = r.segment_type AND m.segment = r.segment
     AND m.period_start > DATEADD(month, -12, r.period_end) AND m.period_start <= r.period_end
    GROUP BY r.grain, r.period_start, r.segment_type, r.segment
),
won AS (
    SELECT d.customer_key, d.closed_date, d.channel AS deal_channel, d.amount_reporting,
           c.acquisition_channel, c.first_won_date
    FROM dw.fact_deal AS d
    JOIN dw.dim_customer AS c ON c.customer_key = d.customer_key
    WHERE d.is_won = 1 AND d.closed_date IS NOT NULL
),
-- Distinct customers buying in the trailing 12 months (by deal channel, like won_deals), and how many of those
-- months the CRM actually has data for, so a short history is not divided by 12.
trailing_customers AS (
    SELECT r.grain, r.period_start, r.segment_type, r.segment,
           COUNT_BIG(DISTINCT w.customer_key) AS customers_12m
    FROM base AS r
    JOIN won AS w
      ON (r.segment_type = 'all' OR w.deal_channel = r.segment)
     AND w.closed_date > DATEADD(month, -12, r.period_end) AND w.closed_date <= r.period_end
    GROUP BY r.grain, r.period_start, r.segment_type, r.segment
),
crm_start AS (
    SELECT DATETRUNC(month, MIN(created_date)) AS first_month FROM dw.fact_deal
),
-- LTV (historic) as of the period end: revenue won up to the period end from the customers acquired up to then,
-- per acquisition channel (every deal of such a customer counts, whatever channel the later deal came from).
historic AS (
    SELECT r.grain, r.period_start, r.segment_type, r.segment,
           COUNT_BIG(DISTINCT w.customer_key) AS customers_to_date,
           SUM(w.amount_reporting)            AS revenue_to_date
    FROM base AS r
    JOIN won AS w
      ON (r.segment_type = 'all' OR w.acquisition_channel = r.segment)
     AND w.closed_date <= r.period_end
    GROUP BY r.grain, r.period_start, r.segment_type, r.segment
),
assembled AS (
    SELECT
        r.grain,
        r.period_start,
        r.period_end,
        r.segment AS channel,
        CAST(CASE WHEN r.segment_type = 'all' THEN 1 ELSE 0 END AS bit) AS is_total,
        r.revenue,
        r.revenue / NULLIF(a.revenue, 0) AS revenue_share,
        c.marketing_cost,
        r.roi,
        r.romi,
        CAST(ROUND(r.new_customers, 0) AS bigint) AS new_customers,
        r.cac,
        r.aov,
        CAST(h.revenue_to_date AS float) / NULLIF(CAST(h.customers_to_date AS float), 0) AS ltv_historic,
        CAST(t.won_revenue_12m AS float) / NULLIF(CAST(t.won_deals_12m AS float), 0) AS aov_12m,
        CAST(t.won_deals_12m AS float) / NULLIF(CAST(tc.customers_12m AS float), 0)
             / NULLIF(LEAST(12, GREATEST(0, DATEDIFF(month, cs.first_month, DATETRUNC(month, r.period_end)) + 1)), 0)
             AS purchases_per_customer_month,
        r.period_complete,
        p.revenue AS previous_revenue
    FROM base AS r
    LEFT JOIN base AS a
      ON a.grain = r.grain AND a.period_start = r.period_start AND a.segment_type = 'all'
    LEFT JOIN base AS p
      ON p.grain = r.grain AND p.segment_type = r.segment_type AND p.segment = r.segment
     AND p.period_start = DATEADD(month, CASE r.grain WHEN 'quarter' THEN -3 ELSE -1 END, r.period_start)
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
    CAST((x.revenue - x.previous_revenue) / NULLIF(x.previous_revenue, 0) AS float) AS sales_growth,
    x.marketing_cost,
    x.roi,
    x.romi,
    x.new_customers,
    x.cac,
    x.aov,
    x.ltv_historic,
    x.aov_12m,
    x.purchases_per_customer_month,
    CAST(x.aov_12m * x.purchases_per_customer_month * s.expected_lifespan_months AS float) AS ltv_formula,
    x.ltv_historic / NULLIF(x.cac, 0) AS ltv_to_cac,
    x.period_complete
FROM assembled AS x
CROSS JOIN dw.settings AS s;
GO
EXEC etl.set_description N'mart', N'dashboard_executive', NULL, N'Executive dashboard: per month and quarter, one row per channel plus an All row (is_total). Revenue, cost, ROI, ROMI, new customers, CAC and AOV are the mart.kpi_values figures; LTVs are computed from CRM customers. Money in the reporting currency.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'grain', N'month or quarter (calendar).';
EXEC etl.set_description N'mart', N'dashboard_executive', N'period_start', N'First day of the month or quarter.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'period_end', N'Last day of the month or quarter.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'channel', N'Marketing channel; All on the row that covers every channel.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'is_total', N'True on the All row (the whole business), false on channel rows.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'currency', N'Reporting currency of every money column.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'revenue', N'Won deal revenue closed in the period (KPI revenue), by the deal''s channel.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'revenue_share', N'Channel revenue / All revenue of the same period (1 on the All row); NULL when the period has no revenue.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'sales_growth', N'Sales growth: (revenue − revenue of the previous month or quarter) / previous revenue; NULL when the previous period had none.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'marketing_cost', N'Ad spend + other marketing costs (cost files) in the period.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'roi', N'ROI: (revenue − marketing cost) / marketing cost; NULL without cost.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'romi', N'ROMI: (revenue × gross margin − marketing cost) / marketing cost; NULL without cost.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'new_customers', N'Customers whose first won deal closed in the period, by that deal''s channel.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'cac', N'CAC: marketing cost / new customers; NULL when there are no new customers.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'aov', N'AOV: revenue / won deals of the period.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'ltv_historic', N'LTV (historic) as of the period end: revenue won up to the period end / customers acquired up to the period end, by acquisition channel (All: every customer). Later periods'' revenue is not counted, so past rows do not change as customers buy again.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'aov_12m', N'AOV over the trailing 12 months ending with the period: won revenue / won deals.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'purchases_per_customer_month', N'Purchase frequency over the trailing 12 months: won deals / distinct customers who bought / months of the window that have CRM data (at most 12; the current month counts as a whole month).';
EXEC etl.set_description N'mart', N'dashboard_executive', N'ltv_formula', N'LTV (formula): aov_12m × purchases_per_customer_month × expected lifespan in months (setting ExpectedLifespanMonths). An estimate, not observed revenue; compare ltv_historic.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'ltv_to_cac', N'LTV:CAC = ltv_historic / cac of the same row (3 is the usual healthy mark); NULL when CAC is NULL or 0.';
EXEC etl.set_description N'mart', N'dashboard_executive', N'period_complete', N'False while the period reaches past the last day GA4 data is loaded for.';
GO

-- Marketing manager: per campaign (conformed UTM name) and week or month.
CREATE OR ALTER VIEW mart.dashboard_marketing AS
WITH k AS (
    SELECT grain, period_start, MAX(period_end) AS period_end, segment AS campaign,
           CAST(MIN(CAST(period_complete AS int)) AS bit)                      AS period_complete,
           MAX(CASE WHEN kpi_id = 'impressions' THEN value END)                AS impressions,
           MAX(CASE WHEN kpi_id = 'ctr' THEN numerator END)                    AS link_clicks,
           MAX(CASE WHEN kpi_id = 'ctr' THEN value END)                        AS ctr,
           MAX(CASE WHEN kpi_id = 'cpc' THEN value END)                        AS cpc,
           MAX(CASE WHEN kpi_id = 'leads' THEN value END)                      AS leads,
           MAX(CASE WHEN kpi_id = 'cpl' THEN value END)                        AS cpl,
           MAX(CASE WHEN kpi_id = 'ad_conversion_rate' THEN numerator END)     AS ad_conversions,
           MAX(CASE WHEN kpi_id = 'ad_conversion_rate' THEN value END)         AS ad_conversion_rate,
           MAX(CASE WHEN kpi_id = 'roas' THEN numerator END)                   AS ad_conversion_value,
           MAX(CASE WHEN kpi_id = 'roas' THEN value END)                       AS roas,
           MAX(CASE WHEN kpi_id = 'sessions' THEN value END)                   AS sessions,
           MAX(CASE WHEN kpi_id = 'web_conversion_rate' THEN value END)        AS web_conversion_rate
    FROM mart.kpi_values
    WHERE grain IN ('week', 'month') AND segment_type = 'campaign'
      AND kpi_id IN ('impressions', 'ctr', 'cpc', 'leads', 'cpl', 'ad_conversion_rate', 'roas', 'sessions', 'web_conversion_rate')
    GROUP BY grain, period_start, segment
),
m AS (
    SELECT grain, period_start, MAX(period_end) AS period_end, segment AS campaign,
           SUM(CASE WHEN measure = 'ad_spend' THEN value END)             AS spend,
           SUM(CASE WHEN measure = 'other_marketing_cost' THEN value END) AS other_marketing_cost,
           SUM(CASE WHEN measure = 'ad_leads' THEN value END)             AS ad_leads
    FROM mart.kpi_measures
    WHERE grain IN ('week', 'month') AND segment_type = 'campaign'
      AND measure IN ('ad_spend', 'other_marketing_cost', 'ad_leads')
    GROUP BY grain, period_start, segment
),
last_loaded AS (
    SELECT COALESCE(MAX(date), DATEFROMPARTS(1900, 1, 1)) AS last_date FROM dw.kpi_measure_daily WHERE platform = 'ga4'
),
-- string_agg(DISTINCT ...) of DuckDB: distinct pairs first, then STRING_AGG in platform order.
platforms AS (
    SELECT p.utm_name AS campaign, STRING_AGG(p.platform, ', ') WITHIN GROUP (ORDER BY p.platform) AS platforms
    FROM (
        SELECT DISTINCT utm_name, platform
        FROM (
            SELECT utm_name, platform FROM dw.dim_campaign
            UNION ALL
            SELECT DISTINCT campaign, 'files' FROM dw.fact_marketing_cost WHERE platform = 'files' AND campaign IS NOT NULL
        ) AS named
        WHERE platform IS NOT NULL
    ) AS p
    GROUP BY p.utm_name
)
SELECT
    COALESCE(k.grain, m.grain)                                    AS grain,
    COALESCE(k.period_start, m.period_start)                      AS period_start,
    COALESCE(k.period_end, m.period_end)                          AS period_end,
    COALESCE(k.campaign, m.campaign)                              AS campaign,
    p.platforms,
    s.reporting_currency                                          AS currency,
    CAST(m.spend AS float)                                        AS spend,
    CAST(m.other_marketing_cost AS float)                         AS other_marketing_cost,
    CAST(ROUND(k.impressions, 0) AS bigint)                       AS impressions,
    CAST(ROUND(k.link_clicks, 0) AS bigint)                       AS link_clicks,
    k.ctr,
    k.cpc,
    CAST(ROUND(k.leads, 0) AS bigint)                             AS leads,
    k.cpl,
    CAST(ROUND(m.ad_leads, 0) AS bigint)                          AS ad_leads,
    CAST(ROUND(k.ad_conversions, 0) AS bigint)                    AS ad_conversions,
    k.ad_conversion_rate,
    CAST(k.ad_conversion_value AS float)                          AS ad_conversion_value,
    k.roas,
    CAST(ROUND(k.sessions, 0) AS bigint)                          AS sessions,
    k.web_conversion_rate,
    COALESCE(k.period_complete,
             CAST(CASE WHEN COALESCE(k.period_end, m.period_end) <= l.last_date THEN 1 ELSE 0 END AS bit)) AS period_complete
FROM k
FULL OUTER JOIN m ON m.grain = k.grain AND m.period_start = k.period_start AND m.campaign = k.campaign
LEFT JOIN platforms AS p ON p.campaign = COALESCE(k.campaign, m.campaign)
CROSS JOIN dw.settings AS s
CROSS JOIN last_loaded AS l;
GO
EXEC etl.set_description N'mart', N'dashboard_marketing', NULL, N'Marketing manager dashboard: one row per campaign (conformed UTM name, joining Meta ads, Mailchimp sends, GA4 sessions and HubSpot leads of one campaign) per ISO week or month. KPIs are the mart.kpi_values campaign figures; money in the reporting currency.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'grain', N'week (ISO, Monday start) or month.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'period_start', N'First day of the week or month.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'period_end', N'Last day of the week or month.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'campaign', N'Campaign by its conformed UTM name.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'platforms', N'Platforms the campaign is known on (dw.dim_campaign: meta, mailchimp, ga4; files = it has costs in marketing_costs.csv), comma-separated.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'currency', N'Reporting currency of every money column.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'spend', N'Ad spend (Meta) of the campaign in the period.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'other_marketing_cost', N'Other marketing costs of the campaign from marketing_costs.csv (not part of CPC, CPL or ROAS, which use ad spend).';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'impressions', N'Ad impressions.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'link_clicks', N'Ad link clicks (Meta inline link clicks).';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'ctr', N'CTR: link clicks / impressions.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'cpc', N'CPC: ad spend / link clicks.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'leads', N'CRM leads: HubSpot contacts whose lead date falls in the period and whose original UTM campaign is this one.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'cpl', N'CPL: ad spend / CRM leads of the campaign; NULL without leads.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'ad_leads', N'Lead actions Meta attributed to the ads (platform count, for comparison with CRM leads).';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'ad_conversions', N'Purchases Meta attributed to the ads.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'ad_conversion_rate', N'Ad conversion rate: ad conversions / link clicks.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'ad_conversion_value', N'Purchase value Meta attributed to the ads.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'roas', N'ROAS: ad conversion value / ad spend.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'sessions', N'GA4 sessions whose session campaign is this one.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'web_conversion_rate', N'Web conversion rate: GA4 key events / sessions of the campaign.';
EXEC etl.set_description N'mart', N'dashboard_marketing', N'period_complete', N'False while the period reaches past the last day GA4 data is loaded for.';
GO

-- Channel specialist: one row per kind of activity, so each row only carries the columns that apply to it.
--   ads    a Meta or Google Ads campaign's delivery (impressions, CTR, CPC, CPM);
--   web    GA4 sessions of a campaign (engagement);
--   email  a Mailchimp campaign, dated by its send day;
--   list   the whole mailing list's growth (segment All).
-- A campaign can have several rows in a period (e.g. ads and web). Reach and frequency are not summable and are
-- not here: they are in mart.ad_reach_daily (one ad, one day).
CREATE OR ALTER VIEW mart.dashboard_specialist AS
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
    SELECT grain, period_start, period_end, segment_type, segment, kpi_id, numerator, denominator, value, period_complete,
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
    SELECT grain, period_start, MAX(period_end) AS period_end, kind, segment AS campaign,
           CAST(MIN(CAST(period_complete AS int)) AS bit)                         AS period_complete,
           MAX(CASE WHEN kpi_id = 'impressions' THEN value END)                   AS impressions,
           MAX(CASE WHEN kpi_id = 'ctr' THEN numerator END)                       AS link_clicks,
           MAX(CASE WHEN kpi_id = 'cpc' THEN numerator END)                       AS spend,
           MAX(CASE WHEN kpi_id = 'ctr' THEN value END)                           AS ctr,
           MAX(CASE WHEN kpi_id = 'cpc' THEN value END)                           AS cpc,
           MAX(CASE WHEN kpi_id = 'cpm' THEN value END)                           AS cpm,
           MAX(CASE WHEN kpi_id = 'sessions' THEN value END)                      AS sessions,
           MAX(CASE WHEN kpi_id = 'engagement_rate' THEN value END)               AS engagement_rate,
           MAX(CASE WHEN kpi_id = 'bounce_rate' THEN value END)                   AS bounce_rate,
           MAX(CASE WHEN kpi_id = 'pages_per_session' THEN value END)             AS pages_per_session,
           MAX(CASE WHEN kpi_id = 'avg_session_duration' THEN value END)          AS avg_session_duration,
           MAX(CASE WHEN kpi_id = 'email_bounce_rate' THEN denominator END)       AS emails_sent,
           MAX(CASE WHEN kpi_id = 'email_open_rate' THEN denominator END)         AS emails_delivered,
           MAX(CASE WHEN kpi_id = 'email_open_rate' THEN value END)               AS email_open_rate,
           MAX(CASE WHEN kpi_id = 'email_open_rate_human' THEN value END)         AS email_open_rate_human,
           MAX(CASE WHEN kpi_id = 'email_click_rate' THEN value END)              AS email_click_rate,
           MAX(CASE WHEN kpi_id = 'email_click_to_open_rate' THEN value END)      AS email_click_to_open_rate,
           MAX(CASE WHEN kpi_id = 'email_unsubscribe_rate' THEN value END)        AS email_unsubscribe_rate,
           MAX(CASE WHEN kpi_id = 'email_bounce_rate' THEN value END)             AS email_bounce_rate,
           MAX(CASE WHEN kpi_id = 'list_growth' THEN value END)                   AS list_growth
    FROM kinds
    -- Email KPIs only for segments that are Mailchimp campaigns (their measures come only from Mailchimp sends).
    WHERE kind <> 'email' OR segment IN (SELECT utm_name FROM mailchimp)
    GROUP BY grain, period_start, kind, segment
)
SELECT
    pv.grain, pv.period_start, pv.period_end, pv.kind, pv.campaign,
    s.reporting_currency                            AS currency,
    CAST(ROUND(pv.impressions, 0) AS bigint)        AS impressions,
    CAST(ROUND(pv.link_clicks, 0) AS bigint)        AS link_clicks,
    CAST(pv.spend AS float)                         AS spend,
    pv.ctr, pv.cpc, pv.cpm,
    CAST(ROUND(pv.sessions, 0) AS bigint)           AS sessions,
    pv.engagement_rate, pv.bounce_rate, pv.pages_per_session, pv.avg_session_duration,
    CAST(ROUND(pv.emails_sent, 0) AS bigint)        AS emails_sent,
    CAST(ROUND(pv.emails_delivered, 0) AS bigint)   AS emails_delivered,
    pv.email_open_rate, pv.email_open_rate_human, pv.email_click_rate, pv.email_click_to_open_rate, pv.email_unsubscribe_rate, pv.email_bounce_rate,
    CAST(ROUND(pv.list_growth, 0) AS bigint)        AS list_growth,
    pv.period_complete
FROM pivoted AS pv
CROSS JOIN dw.settings AS s;
GO
EXEC etl.set_description N'mart', N'dashboard_specialist', NULL, N'Channel specialist dashboard per ISO week or month. kind says what a row describes and which columns it fills: ads (a Meta or Google Ads campaign: impressions, CTR, CPC, CPM), web (GA4 sessions of a campaign: engagement), email (a Mailchimp campaign, dated by its send day) and list (growth of the whole mailing list, campaign All). Other columns are NULL. Reach and frequency are not summable and are in mart.ad_reach_daily.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'grain', N'week (ISO, Monday start) or month.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'period_start', N'First day of the week or month.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'period_end', N'Last day of the week or month.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'kind', N'ads, web, email or list: which activity the row describes.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'campaign', N'Campaign by its conformed UTM name (Meta campaign, GA4 session campaign, Mailchimp utm_campaign else title); All on list rows.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'currency', N'Reporting currency of spend, CPC and CPM.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'impressions', N'ads: ad impressions.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'link_clicks', N'ads: link clicks.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'spend', N'ads: ad spend.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'ctr', N'ads: CTR = link clicks / impressions.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'cpc', N'ads: CPC = spend / link clicks.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'cpm', N'ads: CPM = 1000 × spend / impressions.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'sessions', N'web: GA4 sessions of the campaign.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'engagement_rate', N'web: engaged sessions / sessions.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'bounce_rate', N'web: 1 − engagement rate.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'pages_per_session', N'web: page views / sessions.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'avg_session_duration', N'web: engagement seconds / sessions.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'emails_sent', N'email: emails sent by the campaign (Mailchimp report totals, which grow for a few days after the send).';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'emails_delivered', N'email: sent − hard bounces − soft bounces; the base of open, click and unsubscribe rates.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'email_open_rate', N'email: unique opens / delivered.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'email_open_rate_human', N'email: unique opens without Apple Mail Privacy Protection machine opens / delivered; NULL for campaigns Mailchimp reports without it.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'email_click_rate', N'email: unique subscriber clicks / delivered.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'email_click_to_open_rate', N'email: unique subscriber clicks / unique opens.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'email_unsubscribe_rate', N'email: unsubscribes / delivered.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'email_bounce_rate', N'email: (hard + soft bounces) / sent.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'list_growth', N'list: subscribes + other adds − unsubscribes − other removes − cleaned, over every Mailchimp list.';
EXEC etl.set_description N'mart', N'dashboard_specialist', N'period_complete', N'False while the period reaches past the last day GA4 data is loaded for.';
GO
