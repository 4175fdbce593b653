-- customer_key is '<kind>:<id>' (fact_deal). DuckDB's split_part(key, ':', n) is the n-th colon-separated part ('' past
-- the end); appending a ':' before searching gives the same for parts 1 and 2, with or without colons in the key.
-- acquisition_channel/-_campaign: those of the first won deal, which dw.fact_deal attributes by dw.settings.attribution_model.
CREATE OR ALTER VIEW dw.dim_customer AS
WITH won AS (
    SELECT customer_key, closed_date, amount_reporting, channel, campaign, deal_id,
           ROW_NUMBER() OVER (PARTITION BY customer_key ORDER BY closed_date, deal_id) AS nth
    FROM dw.fact_deal WHERE is_won = 1
)
SELECT
    customer_key,
    LEFT(customer_key, CHARINDEX(':', customer_key + ':') - 1)       AS customer_kind,
    LEFT(SUBSTRING(customer_key, CHARINDEX(':', customer_key + ':') + 1, 4000),
         CHARINDEX(':', SUBSTRING(customer_key, CHARINDEX(':', customer_key + ':') + 1, 4000) + ':') - 1) AS customer_id,
    MIN(closed_date)                                                 AS first_won_date,
    DATETRUNC(month, MIN(closed_date))                               AS cohort_month,
    MAX(closed_date)                                                 AS last_won_date,
    COUNT_BIG(*)                                                     AS won_deals,
    SUM(amount_reporting)                                            AS lifetime_revenue,
    MAX(CASE WHEN nth = 1 THEN channel END)                          AS acquisition_channel,
    MAX(CASE WHEN nth = 1 THEN campaign END)                         AS acquisition_campaign
FROM won
GROUP BY customer_key;
