-- Customer loyalty marts from CRM won deals: acquisition cohorts (historic LTV) and period retention. Both count
-- distinct customers (dw.dim_customer), which no additive daily measure can give, so they are built from the deal
-- fact here. A customer is active in a period when one of its won deals closed in it. Money in the reporting
-- currency (converted at each deal's close day).
-- T-SQL twin of warehouse/DuckDb/Scripts/Semantic/0360_mart_customers.sql. DuckDB's generate_series over months
-- becomes GENERATE_SERIES over month offsets with an explicit step of 1, so a stop below the start gives no rows (as
-- in DuckDB) instead of counting down; a NULL stop becomes -1 for the same reason.

-- Acquisition cohorts: customers grouped by the month of their first won deal, followed month by month up to the
-- last month the CRM has data for (every cohort gets a row per month, also months without purchases).
CREATE OR ALTER VIEW mart.customer_cohorts AS
WITH won AS (
    SELECT d.customer_key, c.cohort_month, DATETRUNC(month, d.closed_date) AS activity_month,
           d.amount_reporting
    FROM dw.fact_deal AS d
    JOIN dw.dim_customer AS c ON c.customer_key = d.customer_key
    WHERE d.is_won = 1 AND d.closed_date IS NOT NULL
),
crm_end AS (
    SELECT MAX(GREATEST(created_date, COALESCE(closed_date, created_date))) AS last_date FROM dw.fact_deal
),
cohorts AS (
    SELECT cohort_month, COUNT_BIG(*) AS cohort_customers FROM dw.dim_customer GROUP BY cohort_month
),
grid AS (
    SELECT c.cohort_month, c.cohort_customers, DATEADD(month, CAST(m.value AS int), c.cohort_month) AS activity_month
    FROM cohorts AS c
    CROSS JOIN crm_end AS e
    CROSS APPLY GENERATE_SERIES(0, COALESCE(DATEDIFF(month, c.cohort_month, DATETRUNC(month, e.last_date)), -1), 1) AS m
),
activity AS (
    SELECT cohort_month, activity_month,
           COUNT_BIG(DISTINCT customer_key) AS active_customers,
           COUNT_BIG(*)                     AS won_deals,
           SUM(amount_reporting)            AS revenue
    FROM won
    GROUP BY cohort_month, activity_month
)
SELECT
    g.cohort_month,
    DATEDIFF(month, g.cohort_month, g.activity_month)                                AS months_since_first,
    g.activity_month,
    g.cohort_customers,
    COALESCE(a.active_customers, 0)                                                  AS active_customers,
    COALESCE(a.won_deals, 0)                                                         AS won_deals,
    CAST(COALESCE(a.revenue, 0) AS float)                                            AS revenue,
    CAST(SUM(COALESCE(a.revenue, 0)) OVER (PARTITION BY g.cohort_month ORDER BY g.activity_month
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS float) AS cumulative_revenue,
    CAST(COALESCE(a.active_customers, 0) AS float) / NULLIF(g.cohort_customers, 0)   AS retention,
    CAST(SUM(COALESCE(a.revenue, 0)) OVER (PARTITION BY g.cohort_month ORDER BY g.activity_month
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS float)
        / NULLIF(g.cohort_customers, 0)                                              AS ltv_historic,
    s.reporting_currency                                                             AS currency,
    CAST(CASE WHEN EOMONTH(g.activity_month) <= e.last_date THEN 1 ELSE 0 END AS bit) AS period_complete
FROM grid AS g
LEFT JOIN activity AS a ON a.cohort_month = g.cohort_month AND a.activity_month = g.activity_month
CROSS JOIN dw.settings AS s
CROSS JOIN crm_end AS e;
GO
EXEC etl.set_description N'mart', N'customer_cohorts', NULL, N'Acquisition cohorts: customers grouped by the month of their first won deal, one row per cohort and month since then (0 = the first month) up to the last month with CRM data. Shows how many of the cohort bought again, their revenue and the historic LTV as it builds up.';
EXEC etl.set_description N'mart', N'customer_cohorts', N'cohort_month', N'Month of the customers'' first won deal (close day).';
EXEC etl.set_description N'mart', N'customer_cohorts', N'months_since_first', N'Whole months from cohort_month to activity_month; 0 is the acquisition month.';
EXEC etl.set_description N'mart', N'customer_cohorts', N'activity_month', N'The calendar month this row describes.';
EXEC etl.set_description N'mart', N'customer_cohorts', N'cohort_customers', N'Customers whose first won deal closed in cohort_month (the cohort size; the same on every row of the cohort).';
EXEC etl.set_description N'mart', N'customer_cohorts', N'active_customers', N'Customers of the cohort with at least one won deal closed in activity_month.';
EXEC etl.set_description N'mart', N'customer_cohorts', N'won_deals', N'Won deals of the cohort closed in activity_month.';
EXEC etl.set_description N'mart', N'customer_cohorts', N'revenue', N'Won revenue of the cohort closed in activity_month, reporting currency.';
EXEC etl.set_description N'mart', N'customer_cohorts', N'cumulative_revenue', N'Won revenue of the cohort from cohort_month through activity_month.';
EXEC etl.set_description N'mart', N'customer_cohorts', N'retention', N'active_customers / cohort_customers (1 at month 0 by definition).';
EXEC etl.set_description N'mart', N'customer_cohorts', N'ltv_historic', N'LTV (historic) of the cohort so far: cumulative_revenue / cohort_customers.';
EXEC etl.set_description N'mart', N'customer_cohorts', N'currency', N'Reporting currency of the money columns.';
EXEC etl.set_description N'mart', N'customer_cohorts', N'period_complete', N'False for the month the CRM data ends in (the last deal create or close day falls before its end), so its figures are partial.';
GO

-- Period retention and repeat purchase. A customer is active in a period when it has a won deal closed in it;
-- retained when active in both the period and the one before. Months and quarters are a gap-free calendar from
-- the first won deal to the end of the CRM data, so "previous" is always the calendar predecessor.
CREATE OR ALTER VIEW mart.customer_retention AS
WITH won AS (
    SELECT customer_key, closed_date,
           ROW_NUMBER() OVER (PARTITION BY customer_key ORDER BY closed_date, deal_id) AS nth
    FROM dw.fact_deal
    WHERE is_won = 1 AND closed_date IS NOT NULL
),
customer_dates AS (
    SELECT customer_key, MIN(closed_date) AS first_won_date, MIN(CASE WHEN nth = 2 THEN closed_date END) AS second_won_date
    FROM won GROUP BY customer_key
),
crm_end AS (
    SELECT MAX(GREATEST(created_date, COALESCE(closed_date, created_date))) AS last_date FROM dw.fact_deal
),
-- DATETRUNC takes its unit as a keyword, not a value: the grain picks one of two calls.
periods AS (
    SELECT g.grain, p.period_start,
           DATEADD(day, -1, DATEADD(month, g.step_months, p.period_start)) AS period_end,
           DATEADD(month, -g.step_months, p.period_start)                  AS previous_start
    FROM (VALUES ('month', 1), ('quarter', 3)) AS g(grain, step_months)
    CROSS JOIN (SELECT MIN(closed_date) AS first_date FROM won) AS f
    CROSS JOIN crm_end AS e
    CROSS APPLY (
        SELECT CASE g.grain WHEN 'month' THEN DATETRUNC(month, f.first_date) ELSE DATETRUNC(quarter, f.first_date) END AS first_start,
               CASE g.grain WHEN 'month' THEN DATETRUNC(month, e.last_date) ELSE DATETRUNC(quarter, e.last_date) END   AS last_start
    ) AS b
    CROSS APPLY GENERATE_SERIES(0, COALESCE(DATEDIFF(month, b.first_start, b.last_start) / g.step_months, -1), 1) AS n
    CROSS APPLY (SELECT DATEADD(month, CAST(n.value AS int) * g.step_months, b.first_start) AS period_start) AS p
    WHERE f.first_date IS NOT NULL
),
active AS (
    SELECT DISTINCT g.grain,
           CASE g.grain WHEN 'month' THEN DATETRUNC(month, w.closed_date) ELSE DATETRUNC(quarter, w.closed_date) END AS period_start,
           w.customer_key
    FROM won AS w
    CROSS JOIN (VALUES ('month'), ('quarter')) AS g(grain)
),
active_counts AS (
    SELECT grain, period_start, COUNT_BIG(*) AS active_customers FROM active GROUP BY grain, period_start
),
retained AS (
    SELECT p.grain, p.period_start, COUNT_BIG(*) AS retained_customers
    FROM periods AS p
    JOIN active AS a ON a.grain = p.grain AND a.period_start = p.period_start
    JOIN active AS b ON b.grain = p.grain AND b.period_start = p.previous_start AND b.customer_key = a.customer_key
    GROUP BY p.grain, p.period_start
),
to_date AS (
    SELECT p.grain, p.period_start,
           COUNT_BIG(*)                                                  AS customers_to_date,
           COUNT_BIG(CASE WHEN c.second_won_date <= p.period_end THEN 1 END) AS repeat_customers_to_date
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
    CAST(r.retained_customers AS float) / NULLIF(r.previous_active_customers, 0)       AS retention_rate,
    1 - CAST(r.retained_customers AS float) / NULLIF(r.previous_active_customers, 0)   AS churn_rate,
    r.customers_to_date,
    r.repeat_customers_to_date,
    CAST(r.repeat_customers_to_date AS float) / NULLIF(r.customers_to_date, 0)         AS repeat_purchase_rate,
    CAST(CASE WHEN r.period_end <= e.last_date THEN 1 ELSE 0 END AS bit)                AS period_complete
FROM per_period AS r
CROSS JOIN crm_end AS e;
GO
EXEC etl.set_description N'mart', N'customer_retention', NULL, N'Customer retention, churn and repeat purchase per calendar month and quarter, from CRM won deals: a customer is active in a period when a won deal of it closed in the period. Periods run without gaps from the first won deal to the end of the CRM data.';
EXEC etl.set_description N'mart', N'customer_retention', N'grain', N'month or quarter.';
EXEC etl.set_description N'mart', N'customer_retention', N'period_start', N'First day of the month or quarter.';
EXEC etl.set_description N'mart', N'customer_retention', N'period_end', N'Last day of the month or quarter.';
EXEC etl.set_description N'mart', N'customer_retention', N'active_customers', N'Customers with at least one won deal closed in the period.';
EXEC etl.set_description N'mart', N'customer_retention', N'previous_active_customers', N'Customers active in the previous month or quarter.';
EXEC etl.set_description N'mart', N'customer_retention', N'retained_customers', N'Customers active in both the previous period and this one.';
EXEC etl.set_description N'mart', N'customer_retention', N'retention_rate', N'Retention rate: retained_customers / previous_active_customers; NULL when nobody was active in the previous period.';
EXEC etl.set_description N'mart', N'customer_retention', N'churn_rate', N'Churn rate: 1 − retention_rate (share of the previous period''s active customers not active now).';
EXEC etl.set_description N'mart', N'customer_retention', N'customers_to_date', N'Customers with at least one won deal closed on or before the period end.';
EXEC etl.set_description N'mart', N'customer_retention', N'repeat_customers_to_date', N'Customers with at least two won deals closed on or before the period end.';
EXEC etl.set_description N'mart', N'customer_retention', N'repeat_purchase_rate', N'Repeat purchase rate: repeat_customers_to_date / customers_to_date.';
EXEC etl.set_description N'mart', N'customer_retention', N'period_complete', N'False for the period the CRM data ends in (the last deal create or close day falls before its end): its activity, and so its retention, is still partial.';
GO
