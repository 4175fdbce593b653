-- Customer loyalty marts from CRM won deals: acquisition cohorts (historic LTV) and period retention. Both count
-- distinct customers (dw.dim_customer), which no additive daily measure can give, so they are built from the deal
-- fact here. A customer is active in a period when one of its won deals closed in it. Money in the reporting
-- currency (converted at each deal's close day).
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
-- The cohort's acquisition cost: all marketing cost (ads and cost files) of its cohort month.
cohort_cost AS (
    SELECT period_start AS cohort_month, SUM(value) AS marketing_cost
    FROM mart.kpi_measures
    WHERE grain = 'month' AND segment_type = 'all' AND measure IN ('ad_spend', 'other_marketing_cost')
    GROUP BY period_start
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
    CAST(cc.marketing_cost AS float) / NULLIF(CAST(g.cohort_customers AS float), 0)  AS cohort_cac,
    -- LTV:CAC of one cohort: its historic LTV so far against its own CAC (= cumulative revenue / cohort month's cost).
    CAST(SUM(COALESCE(a.revenue, 0)) OVER (PARTITION BY g.cohort_month ORDER BY g.activity_month
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS float)
        / NULLIF(CAST(cc.marketing_cost AS float), 0)                               AS ltv_to_cac,
    s.reporting_currency                                                             AS currency,
    CAST(CASE WHEN EOMONTH(g.activity_month) <= e.last_date THEN 1 ELSE 0 END AS bit) AS period_complete
FROM grid AS g
LEFT JOIN activity AS a ON a.cohort_month = g.cohort_month AND a.activity_month = g.activity_month
LEFT JOIN cohort_cost AS cc ON cc.cohort_month = g.cohort_month
CROSS JOIN dw.settings AS s
CROSS JOIN crm_end AS e;
