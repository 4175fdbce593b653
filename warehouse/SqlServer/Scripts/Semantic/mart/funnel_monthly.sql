-- The marketing and sales funnel per month and channel. Stage counts are the mart.kpi_values figures; the stage
-- rates divide counts of the same month (period ratios: the leads of a month are not the same people as its
-- sessions or its customers). The lead-to-customer rate follows one cohort instead: the leads of a month and the
-- customers (dw.dim_customer, as new_customers counts them) whose first lead is among them, whenever they were won.
CREATE OR ALTER VIEW mart.funnel_monthly AS
WITH counts AS (
    SELECT period_start, MAX(period_end) AS period_end, segment_type, segment,
           CAST(MIN(CAST(period_complete AS int)) AS bit)          AS period_complete,
           {{kpi_pivot: sessions, leads, mqls, sqls, new_customers, revenue}}
    FROM mart.kpi_values
    WHERE grain = 'month' AND segment_type IN ('all', 'channel')
      AND kpi_id IN ('sessions', 'leads', 'mqls', 'sqls', 'new_customers', 'revenue')
    GROUP BY period_start, segment_type, segment
),
-- A contact is one HubSpot contact of one portal; dw.fact_lead has at most one row per contact and stage.
cohort_contacts AS (
    SELECT l.channel, DATETRUNC(month, l.entered_date) AS cohort_month
    FROM dw.fact_lead AS l
    WHERE l.stage = 'lead'
),
-- Customers are dw.dim_customer's (company, else contact, else deal: the new_customers definition). A customer
-- joins the lead cohort of its first lead: the earliest lead entry of the contacts that belong to it.
cohort_customers AS (
    SELECT c.acquisition_channel AS channel, DATETRUNC(month, MIN(l.entered_date)) AS cohort_month
    FROM dw.dim_customer AS c
    JOIN dw.fact_lead AS l ON l.stage = 'lead' AND c.customer_key IN (l.customer_key, 'contact:' + l.contact_id)
    GROUP BY c.customer_key, c.acquisition_channel
),
lead_cohorts AS (
    SELECT cohort_month, 'all' AS segment_type, 'All' AS segment, COUNT_BIG(*) AS cohort_leads FROM cohort_contacts GROUP BY cohort_month
    UNION ALL
    SELECT cohort_month, 'channel', channel, COUNT_BIG(*) FROM cohort_contacts GROUP BY cohort_month, channel
),
customer_cohorts AS (
    SELECT cohort_month, 'all' AS segment_type, 'All' AS segment, COUNT_BIG(*) AS cohort_customers FROM cohort_customers GROUP BY cohort_month
    UNION ALL
    SELECT cohort_month, 'channel', channel, COUNT_BIG(*) FROM cohort_customers GROUP BY cohort_month, channel
),
cohorts AS (
    SELECT COALESCE(l.cohort_month, c.cohort_month) AS cohort_month, COALESCE(l.segment_type, c.segment_type) AS segment_type,
           COALESCE(l.segment, c.segment) AS segment, COALESCE(l.cohort_leads, 0) AS cohort_leads, COALESCE(c.cohort_customers, 0) AS cohort_customers
    FROM lead_cohorts AS l
    FULL OUTER JOIN customer_cohorts AS c
      ON c.cohort_month = l.cohort_month AND c.segment_type = l.segment_type AND c.segment = l.segment
),
last_loaded AS (
    SELECT COALESCE(MAX(date), DATEFROMPARTS(1900, 1, 1)) AS last_date FROM mart.kpi_measure_daily WHERE platform = 'ga4'
)
SELECT
    COALESCE(k.period_start, c.cohort_month)                                         AS period_start,
    COALESCE(k.period_end, EOMONTH(c.cohort_month))                                  AS period_end,
    COALESCE(k.segment, c.segment)                                                   AS channel,
    CAST(CASE WHEN COALESCE(k.segment_type, c.segment_type) = 'all' THEN 1 ELSE 0 END AS bit) AS is_total,
    CAST(ROUND(k.sessions, 0) AS bigint)                                             AS sessions,
    CAST(ROUND(k.leads, 0) AS bigint)                                                AS leads,
    CAST(ROUND(k.mqls, 0) AS bigint)                                                 AS mqls,
    CAST(ROUND(k.sqls, 0) AS bigint)                                                 AS sqls,
    CAST(ROUND(k.new_customers, 0) AS bigint)                                        AS new_customers,
    k.revenue,
    s.reporting_currency                                                             AS currency,
    CAST(k.leads / NULLIF(k.sessions, 0) AS float)                                   AS session_to_lead_rate,
    CAST(k.mqls / NULLIF(k.leads, 0) AS float)                                       AS lead_to_mql_rate,
    CAST(k.sqls / NULLIF(k.mqls, 0) AS float)                                        AS mql_to_sql_rate,
    CAST(k.new_customers / NULLIF(k.sqls, 0) AS float)                               AS sql_to_customer_rate,
    COALESCE(c.cohort_leads, 0)                                                      AS cohort_leads,
    COALESCE(c.cohort_customers, 0)                                                  AS cohort_customers,
    CAST(c.cohort_customers AS float) / NULLIF(c.cohort_leads, 0)                    AS lead_to_customer_rate,
    COALESCE(k.period_complete,
             CAST(CASE WHEN EOMONTH(c.cohort_month) <= l.last_date THEN 1 ELSE 0 END AS bit)) AS period_complete
FROM counts AS k
FULL OUTER JOIN cohorts AS c
  ON c.cohort_month = k.period_start AND c.segment_type = k.segment_type AND c.segment = k.segment
CROSS JOIN dw.settings AS s
CROSS JOIN last_loaded AS l;
