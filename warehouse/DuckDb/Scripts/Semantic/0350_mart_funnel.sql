-- The marketing and sales funnel per month and channel. Stage counts are the mart.kpi_values figures; the stage
-- rates divide counts of the same month (period ratios: the leads of a month are not the same people as its
-- sessions or its customers). The lead-to-customer rate follows one cohort instead: the leads of a month and how
-- many of exactly those contacts became customers, whenever that happened.
CREATE OR REPLACE VIEW mart.funnel_monthly AS
WITH counts AS (
    SELECT period_start, any_value(period_end) AS period_end, segment_type, segment,
           bool_and(period_complete) AS period_complete,
           max(value) FILTER (WHERE kpi_id = 'sessions')      AS sessions,
           max(value) FILTER (WHERE kpi_id = 'leads')         AS leads,
           max(value) FILTER (WHERE kpi_id = 'mqls')          AS mqls,
           max(value) FILTER (WHERE kpi_id = 'sqls')          AS sqls,
           max(value) FILTER (WHERE kpi_id = 'new_customers') AS new_customers,
           max(value) FILTER (WHERE kpi_id = 'revenue')       AS revenue
    FROM mart.kpi_values
    WHERE grain = 'month' AND segment_type IN ('all', 'channel')
      AND kpi_id IN ('sessions', 'leads', 'mqls', 'sqls', 'new_customers', 'revenue')
    GROUP BY period_start, segment_type, segment
),
-- A contact is one HubSpot contact of one portal; dw.fact_lead has at most one row per contact and stage.
cohort_contacts AS (
    SELECT l.account_id, l.contact_id, l.channel,
           CAST(date_trunc('month', l.entered_date) AS DATE) AS cohort_month,
           EXISTS (SELECT 1 FROM dw.fact_lead AS c
                   WHERE c.stage = 'customer' AND c.account_id = l.account_id AND c.contact_id = l.contact_id) AS became_customer
    FROM dw.fact_lead AS l
    WHERE l.stage = 'lead'
),
cohorts AS (
    SELECT cohort_month, 'all' AS segment_type, 'All' AS segment,
           count(*) AS cohort_leads, count(*) FILTER (WHERE became_customer) AS cohort_customers
    FROM cohort_contacts GROUP BY cohort_month
    UNION ALL
    SELECT cohort_month, 'channel', channel,
           count(*), count(*) FILTER (WHERE became_customer)
    FROM cohort_contacts GROUP BY cohort_month, channel
),
last_loaded AS (
    SELECT COALESCE(max(date), DATE '1900-01-01') AS last_date FROM dw.kpi_measure_daily WHERE platform = 'ga4'
)
SELECT
    COALESCE(k.period_start, c.cohort_month)                                         AS period_start,
    COALESCE(k.period_end, CAST(c.cohort_month + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE)) AS period_end,
    COALESCE(k.segment, c.segment)                                                   AS channel,
    COALESCE(k.segment_type, c.segment_type) = 'all'                                 AS is_total,
    CAST(k.sessions AS BIGINT)                                                       AS sessions,
    CAST(k.leads AS BIGINT)                                                          AS leads,
    CAST(k.mqls AS BIGINT)                                                           AS mqls,
    CAST(k.sqls AS BIGINT)                                                           AS sqls,
    CAST(k.new_customers AS BIGINT)                                                  AS new_customers,
    k.revenue,
    s.reporting_currency                                                             AS currency,
    CAST(k.leads / NULLIF(k.sessions, 0) AS DOUBLE)                                  AS session_to_lead_rate,
    CAST(k.mqls / NULLIF(k.leads, 0) AS DOUBLE)                                      AS lead_to_mql_rate,
    CAST(k.sqls / NULLIF(k.mqls, 0) AS DOUBLE)                                       AS mql_to_sql_rate,
    CAST(k.new_customers / NULLIF(k.sqls, 0) AS DOUBLE)                              AS sql_to_customer_rate,
    COALESCE(c.cohort_leads, 0)                                                      AS cohort_leads,
    COALESCE(c.cohort_customers, 0)                                                  AS cohort_customers,
    CAST(c.cohort_customers AS DOUBLE) / NULLIF(c.cohort_leads, 0)                   AS lead_to_customer_rate,
    COALESCE(k.period_complete,
             CAST(c.cohort_month + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) <= l.last_date) AS period_complete
FROM counts AS k
FULL OUTER JOIN cohorts AS c
  ON c.cohort_month = k.period_start AND c.segment_type = k.segment_type AND c.segment = k.segment
CROSS JOIN dw.settings AS s
CROSS JOIN last_loaded AS l;
COMMENT ON VIEW mart.funnel_monthly IS 'Funnel per calendar month and channel, plus an All row (is_total): sessions → leads → MQLs → SQLs → new customers, with period stage rates (counts of the same month divided) and the cohort lead-to-customer rate (of the month''s new leads, the share that became customers at any time). Counts are the mart.kpi_values figures.';
COMMENT ON COLUMN mart.funnel_monthly.period_start IS 'First day of the month.';
COMMENT ON COLUMN mart.funnel_monthly.period_end IS 'Last day of the month.';
COMMENT ON COLUMN mart.funnel_monthly.channel IS 'Marketing channel (GA4 channel for sessions, HubSpot original source for contacts, deal source for customers and revenue); All on the total row.';
COMMENT ON COLUMN mart.funnel_monthly.is_total IS 'True on the All row.';
COMMENT ON COLUMN mart.funnel_monthly.sessions IS 'GA4 sessions in the month.';
COMMENT ON COLUMN mart.funnel_monthly.leads IS 'Contacts whose lead date (else create date) falls in the month.';
COMMENT ON COLUMN mart.funnel_monthly.mqls IS 'Contacts that became marketing-qualified in the month.';
COMMENT ON COLUMN mart.funnel_monthly.sqls IS 'Contacts that became sales-qualified in the month.';
COMMENT ON COLUMN mart.funnel_monthly.new_customers IS 'Customers whose first won deal closed in the month (CRM deals, not the contact lifecycle stage).';
COMMENT ON COLUMN mart.funnel_monthly.revenue IS 'Won deal revenue closed in the month, reporting currency.';
COMMENT ON COLUMN mart.funnel_monthly.currency IS 'Reporting currency of revenue.';
COMMENT ON COLUMN mart.funnel_monthly.session_to_lead_rate IS 'Leads / sessions of the month (period ratio, not a cohort); NULL without sessions.';
COMMENT ON COLUMN mart.funnel_monthly.lead_to_mql_rate IS 'MQLs / leads of the month (period ratio); NULL without leads.';
COMMENT ON COLUMN mart.funnel_monthly.mql_to_sql_rate IS 'SQLs / MQLs of the month (period ratio); NULL without MQLs.';
COMMENT ON COLUMN mart.funnel_monthly.sql_to_customer_rate IS 'New customers / SQLs of the month (period ratio); NULL without SQLs.';
COMMENT ON COLUMN mart.funnel_monthly.cohort_leads IS 'Contacts whose lead stage entry is in the month (the cohort; equals leads).';
COMMENT ON COLUMN mart.funnel_monthly.cohort_customers IS 'Of cohort_leads, the contacts that have a HubSpot customer lifecycle date, at any time.';
COMMENT ON COLUMN mart.funnel_monthly.lead_to_customer_rate IS 'Lead-to-customer rate (cohort): cohort_customers / cohort_leads. Recent cohorts are still maturing, so their rate rises over time.';
COMMENT ON COLUMN mart.funnel_monthly.period_complete IS 'False while the month reaches past the last day GA4 data is loaded for.';
