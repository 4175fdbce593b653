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
