-- acquisition_channel/-_campaign: those of the first won deal, which dw.fact_deal attributes by dw.settings.attribution_model.
CREATE OR REPLACE VIEW dw.dim_customer AS
WITH won AS (
    SELECT customer_key, closed_date, amount_reporting, channel, campaign, deal_id,
           row_number() OVER (PARTITION BY customer_key ORDER BY closed_date, deal_id) AS nth
    FROM dw.fact_deal WHERE is_won
)
SELECT
    customer_key,
    split_part(customer_key, ':', 1)                                 AS customer_kind,
    split_part(customer_key, ':', 2)                                 AS customer_id,
    min(closed_date)                                                 AS first_won_date,
    CAST(date_trunc('month', min(closed_date)) AS DATE)              AS cohort_month,
    max(closed_date)                                                 AS last_won_date,
    count(*)                                                         AS won_deals,
    sum(amount_reporting)                                            AS lifetime_revenue,
    max(CASE WHEN nth = 1 THEN channel END)                          AS acquisition_channel,
    max(CASE WHEN nth = 1 THEN campaign END)                         AS acquisition_campaign
FROM won
GROUP BY customer_key;
