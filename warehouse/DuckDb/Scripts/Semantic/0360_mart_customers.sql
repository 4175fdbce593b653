-- Customer loyalty marts from CRM won deals: acquisition cohorts (historic LTV) and period retention. Both count
-- distinct customers (dw.dim_customer), which no additive daily measure can give, so they are built from the deal
-- fact here. A customer is active in a period when one of its won deals closed in it. Money in the reporting
-- currency (converted at each deal's close day).

-- Acquisition cohorts: customers grouped by the month of their first won deal, followed month by month up to the
-- last month the CRM has data for (every cohort gets a row per month, also months without purchases).
CREATE OR REPLACE VIEW mart.customer_cohorts AS
WITH won AS (
    SELECT d.customer_key, c.cohort_month, CAST(date_trunc('month', d.closed_date) AS DATE) AS activity_month,
           d.amount_reporting
    FROM dw.fact_deal AS d
    JOIN dw.dim_customer AS c ON c.customer_key = d.customer_key
    WHERE d.is_won AND d.closed_date IS NOT NULL
),
crm_end AS (
    SELECT max(greatest(created_date, COALESCE(closed_date, created_date))) AS last_date FROM dw.fact_deal
),
cohorts AS (
    SELECT cohort_month, count(*) AS cohort_customers FROM dw.dim_customer GROUP BY cohort_month
),
grid AS (
    SELECT c.cohort_month, c.cohort_customers, CAST(m.month AS DATE) AS activity_month
    FROM cohorts AS c
    CROSS JOIN crm_end AS e
    CROSS JOIN LATERAL (
        SELECT unnest(generate_series(CAST(c.cohort_month AS TIMESTAMP),
                                      CAST(date_trunc('month', e.last_date) AS TIMESTAMP), INTERVAL 1 MONTH)) AS month
    ) AS m
),
activity AS (
    SELECT cohort_month, activity_month,
           count(DISTINCT customer_key) AS active_customers,
           count(*)                     AS won_deals,
           sum(amount_reporting)        AS revenue
    FROM won
    GROUP BY cohort_month, activity_month
)
SELECT
    g.cohort_month,
    CAST(date_diff('month', g.cohort_month, g.activity_month) AS INTEGER)           AS months_since_first,
    g.activity_month,
    g.cohort_customers,
    COALESCE(a.active_customers, 0)                                                  AS active_customers,
    COALESCE(a.won_deals, 0)                                                         AS won_deals,
    CAST(COALESCE(a.revenue, 0) AS DOUBLE)                                           AS revenue,
    CAST(sum(COALESCE(a.revenue, 0)) OVER (PARTITION BY g.cohort_month ORDER BY g.activity_month) AS DOUBLE) AS cumulative_revenue,
    CAST(COALESCE(a.active_customers, 0) AS DOUBLE) / NULLIF(g.cohort_customers, 0)  AS retention,
    CAST(sum(COALESCE(a.revenue, 0)) OVER (PARTITION BY g.cohort_month ORDER BY g.activity_month) AS DOUBLE)
        / NULLIF(g.cohort_customers, 0)                                              AS ltv_historic,
    s.reporting_currency                                                             AS currency,
    CAST(g.activity_month + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) <= e.last_date AS period_complete
FROM grid AS g
LEFT JOIN activity AS a ON a.cohort_month = g.cohort_month AND a.activity_month = g.activity_month
CROSS JOIN dw.settings AS s
CROSS JOIN crm_end AS e;
COMMENT ON VIEW mart.customer_cohorts IS 'Acquisition cohorts: customers grouped by the month of their first won deal, one row per cohort and month since then (0 = the first month) up to the last month with CRM data. Shows how many of the cohort bought again, their revenue and the historic LTV as it builds up.';
COMMENT ON COLUMN mart.customer_cohorts.cohort_month IS 'Month of the customers'' first won deal (close day).';
COMMENT ON COLUMN mart.customer_cohorts.months_since_first IS 'Whole months from cohort_month to activity_month; 0 is the acquisition month.';
COMMENT ON COLUMN mart.customer_cohorts.activity_month IS 'The calendar month this row describes.';
COMMENT ON COLUMN mart.customer_cohorts.cohort_customers IS 'Customers whose first won deal closed in cohort_month (the cohort size; the same on every row of the cohort).';
COMMENT ON COLUMN mart.customer_cohorts.active_customers IS 'Customers of the cohort with at least one won deal closed in activity_month.';
COMMENT ON COLUMN mart.customer_cohorts.won_deals IS 'Won deals of the cohort closed in activity_month.';
COMMENT ON COLUMN mart.customer_cohorts.revenue IS 'Won revenue of the cohort closed in activity_month, reporting currency.';
COMMENT ON COLUMN mart.customer_cohorts.cumulative_revenue IS 'Won revenue of the cohort from cohort_month through activity_month.';
COMMENT ON COLUMN mart.customer_cohorts.retention IS 'active_customers / cohort_customers (1 at month 0 by definition).';
COMMENT ON COLUMN mart.customer_cohorts.ltv_historic IS 'LTV (historic) of the cohort so far: cumulative_revenue / cohort_customers.';
COMMENT ON COLUMN mart.customer_cohorts.currency IS 'Reporting currency of the money columns.';
COMMENT ON COLUMN mart.customer_cohorts.period_complete IS 'False for the month the CRM data ends in (the last deal create or close day falls before its end), so its figures are partial.';

-- Period retention and repeat purchase. A customer is active in a period when it has a won deal closed in it;
-- retained when active in both the period and the one before. Months and quarters are a gap-free calendar from
-- the first won deal to the end of the CRM data, so "previous" is always the calendar predecessor.
CREATE OR REPLACE VIEW mart.customer_retention AS
WITH won AS (
    SELECT customer_key, closed_date,
           row_number() OVER (PARTITION BY customer_key ORDER BY closed_date, deal_id) AS nth
    FROM dw.fact_deal
    WHERE is_won AND closed_date IS NOT NULL
),
customer_dates AS (
    SELECT customer_key, min(closed_date) AS first_won_date, min(closed_date) FILTER (WHERE nth = 2) AS second_won_date
    FROM won GROUP BY customer_key
),
crm_end AS (
    SELECT max(greatest(created_date, COALESCE(closed_date, created_date))) AS last_date FROM dw.fact_deal
),
periods AS (
    SELECT g.grain, CAST(p.period_start AS DATE) AS period_start,
           CAST(p.period_start + g.step - INTERVAL 1 DAY AS DATE) AS period_end,
           CAST(p.period_start - g.step AS DATE) AS previous_start
    FROM (VALUES ('month', INTERVAL 1 MONTH), ('quarter', INTERVAL 3 MONTH)) AS g(grain, step)
    CROSS JOIN (SELECT min(closed_date) AS first_date FROM won) AS f
    CROSS JOIN crm_end AS e
    CROSS JOIN LATERAL (
        SELECT unnest(generate_series(
            CAST(date_trunc(g.grain, f.first_date) AS TIMESTAMP),
            CAST(date_trunc(g.grain, e.last_date) AS TIMESTAMP), g.step)) AS period_start
    ) AS p
    WHERE f.first_date IS NOT NULL
),
active AS (
    SELECT DISTINCT g.grain, CAST(date_trunc(g.grain, w.closed_date) AS DATE) AS period_start, w.customer_key
    FROM won AS w
    CROSS JOIN (VALUES ('month'), ('quarter')) AS g(grain)
),
active_counts AS (
    SELECT grain, period_start, count(*) AS active_customers FROM active GROUP BY grain, period_start
),
retained AS (
    SELECT p.grain, p.period_start, count(*) AS retained_customers
    FROM periods AS p
    JOIN active AS a ON a.grain = p.grain AND a.period_start = p.period_start
    JOIN active AS b ON b.grain = p.grain AND b.period_start = p.previous_start AND b.customer_key = a.customer_key
    GROUP BY p.grain, p.period_start
),
to_date AS (
    SELECT p.grain, p.period_start,
           count(*)                                              AS customers_to_date,
           count(*) FILTER (WHERE c.second_won_date <= p.period_end) AS repeat_customers_to_date
    FROM periods AS p
    JOIN customer_dates AS c ON c.first_won_date <= p.period_end
    GROUP BY p.grain, p.period_start
),
per_period AS (
    SELECT p.grain, p.period_start, p.period_end,
           COALESCE(n.active_customers, 0)         AS active_customers,
           COALESCE(pn.active_customers, 0)        AS previous_active_customers,
           COALESCE(r.retained_customers, 0)       AS retained_customers,
           COALESCE(t.customers_to_date, 0)        AS customers_to_date,
           COALESCE(t.repeat_customers_to_date, 0) AS repeat_customers_to_date
    FROM periods AS p
    LEFT JOIN active_counts AS n  ON n.grain = p.grain AND n.period_start = p.period_start
    LEFT JOIN active_counts AS pn ON pn.grain = p.grain AND pn.period_start = p.previous_start
    LEFT JOIN retained AS r       ON r.grain = p.grain AND r.period_start = p.period_start
    LEFT JOIN to_date AS t        ON t.grain = p.grain AND t.period_start = p.period_start
)
SELECT
    r.grain,
    r.period_start,
    r.period_end,
    r.active_customers,
    r.previous_active_customers,
    r.retained_customers,
    CAST(r.retained_customers AS DOUBLE) / NULLIF(r.previous_active_customers, 0)       AS retention_rate,
    1 - CAST(r.retained_customers AS DOUBLE) / NULLIF(r.previous_active_customers, 0)   AS churn_rate,
    r.customers_to_date,
    r.repeat_customers_to_date,
    CAST(r.repeat_customers_to_date AS DOUBLE) / NULLIF(r.customers_to_date, 0)         AS repeat_purchase_rate,
    r.period_end <= e.last_date                                                          AS period_complete
FROM per_period AS r
CROSS JOIN crm_end AS e;
COMMENT ON VIEW mart.customer_retention IS 'Customer retention, churn and repeat purchase per calendar month and quarter, from CRM won deals: a customer is active in a period when a won deal of it closed in the period. Periods run without gaps from the first won deal to the end of the CRM data.';
COMMENT ON COLUMN mart.customer_retention.grain IS 'month or quarter.';
COMMENT ON COLUMN mart.customer_retention.period_start IS 'First day of the month or quarter.';
COMMENT ON COLUMN mart.customer_retention.period_end IS 'Last day of the month or quarter.';
COMMENT ON COLUMN mart.customer_retention.active_customers IS 'Customers with at least one won deal closed in the period.';
COMMENT ON COLUMN mart.customer_retention.previous_active_customers IS 'Customers active in the previous month or quarter.';
COMMENT ON COLUMN mart.customer_retention.retained_customers IS 'Customers active in both the previous period and this one.';
COMMENT ON COLUMN mart.customer_retention.retention_rate IS 'Retention rate: retained_customers / previous_active_customers; NULL when nobody was active in the previous period.';
COMMENT ON COLUMN mart.customer_retention.churn_rate IS 'Churn rate: 1 − retention_rate (share of the previous period''s active customers not active now).';
COMMENT ON COLUMN mart.customer_retention.customers_to_date IS 'Customers with at least one won deal closed on or before the period end.';
COMMENT ON COLUMN mart.customer_retention.repeat_customers_to_date IS 'Customers with at least two won deals closed on or before the period end.';
COMMENT ON COLUMN mart.customer_retention.repeat_purchase_rate IS 'Repeat purchase rate: repeat_customers_to_date / customers_to_date.';
COMMENT ON COLUMN mart.customer_retention.period_complete IS 'False for the period the CRM data ends in (the last deal create or close day falls before its end): its activity, and so its retention, is still partial.';
