-- The marketing and sales funnel per month and channel. Stage counts are the mart.kpi_values figures; the stage
-- rates divide counts of the same month (period ratios: the leads of a month are not the same people as its
-- sessions or its customers). The lead-to-customer rate follows one cohort instead: the leads of a month and how
-- many of exactly those contacts became customers, whenever that happened.
CREATE OR REPLACE VIEW mart.funnel_monthly AS
WITH counts AS (
    SELECT period_start, any_value(period_end) AS period_end, segment_type, segment,
           bool_and(period_complete) AS period_complete,
           {{kpi_pivot: sessions, leads, mqls, sqls, new_customers, revenue}}
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
