-- The three audience dashboards of the KPI brief (executive, marketing manager, channel specialist). They only
-- pivot mart.kpi_values and mart.kpi_measures, so every KPI shown here is the same number the KPI mart reports.
-- The only figures computed here are those the KPI mart cannot hold: shares, growth against the previous period,
-- and the customer-based LTVs (they need distinct customers, which no additive measure can give).

-- Executive: month and quarter × channel, plus an All row per period, pivoted from mart.kpi_values.
CREATE OR REPLACE VIEW mart.dashboard_executive AS
WITH kpis AS (
    SELECT grain, period_start, period_end, segment_type, segment, kpi_id, value, period_complete,
           coverage, covered_days, period_days, status, status_reason
    FROM mart.kpi_values
    WHERE grain IN ('month', 'quarter') AND segment_type IN ('all', 'channel')
      AND kpi_id IN ('revenue', 'roi', 'roi_paid', 'romi', 'new_customers', 'cac', 'cac_paid', 'aov')
      -- The same rows again, as comparisons DuckDB checks while it scans (an IN list of text is checked only after
      -- every column of every row is read): the day and week rows, ~95 % of the table, are skipped unread.
      AND grain <> 'day' AND grain <> 'week'
),
-- The row's status is the worst of the KPIs it shows (partial, then provisional, then complete), its coverage the
-- lowest, and its reason every distinct part of their reasons (a running month is named once, not per KPI).
reasons AS (
    SELECT grain, period_start, segment_type, segment, {{reason_list(part)}} AS status_reason
    FROM (
        SELECT DISTINCT k.grain, k.period_start, k.segment_type, k.segment, reason_parts.part
        FROM kpis AS k
        {{join_reason_parts(k.status_reason)}}
        WHERE k.status_reason IS NOT NULL
    ) AS p
    GROUP BY grain, period_start, segment_type, segment
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
      AND grain <> 'day' AND grain <> 'week' -- as in kpis
),
base AS (
    SELECT grain, period_start, any_value(period_end) AS period_end, segment_type, segment,
           bool_and(period_complete) AS period_complete,
           MIN(coverage) AS coverage, MIN(covered_days) AS covered_days, MAX(period_days) AS period_days,
           CASE MAX(CASE status WHEN 'partial' THEN 3 WHEN 'provisional' THEN 2 ELSE 1 END)
                WHEN 3 THEN 'partial' WHEN 2 THEN 'provisional' ELSE 'complete' END AS status,
           {{kpi_pivot: revenue, roi, roi_paid, romi, new_customers, cac, cac_paid, aov}}
    FROM kpis
    GROUP BY grain, period_start, segment_type, segment
),
costs AS (
    SELECT grain, period_start, segment_type, segment,
           CAST(sum(value) FILTER (WHERE measure IN ('ad_spend', 'other_marketing_cost')) AS DOUBLE) AS marketing_cost
    FROM measures
    GROUP BY ALL
),
-- LTV (formula) inputs: the trailing 12 months ending with the period (month rows of the same segment).
trailing_sums AS (
    SELECT r.grain, r.period_start, r.segment_type, r.segment,
           {{measure_pivot(m): won_revenue AS won_revenue_12m, won_deals AS won_deals_12m}}
    FROM base AS r
    JOIN month_measures AS m
      ON m.segment_type = r.segment_type AND m.segment = r.segment
     AND m.period_start > r.period_end - INTERVAL 12 MONTH AND m.period_start <= r.period_end
    GROUP BY ALL
),
won AS (
    SELECT d.customer_key, d.closed_date, d.channel AS deal_channel, d.amount_reporting,
           c.acquisition_channel, c.first_won_date
    FROM dw.fact_deal AS d
    JOIN dw.dim_customer AS c ON c.customer_key = d.customer_key
    WHERE d.is_won AND d.closed_date IS NOT NULL
),
-- Distinct customers buying in the trailing 12 months (by deal channel, like won_deals), and how many of those
-- months the CRM actually has data for, so a short history is not divided by 12.
trailing_customers AS (
    SELECT r.grain, r.period_start, r.segment_type, r.segment,
           count(DISTINCT w.customer_key) AS customers_12m
    FROM base AS r
    JOIN won AS w
      ON (r.segment_type = 'all' OR w.deal_channel = r.segment)
     AND w.closed_date > r.period_end - INTERVAL 12 MONTH AND w.closed_date <= r.period_end
    GROUP BY ALL
),
crm_start AS (
    SELECT CAST(date_trunc('month', min(created_date)) AS DATE) AS first_month FROM dw.fact_deal
),
-- CRM history the formula LTV may extrapolate from: months with a closed (won or lost) deal up to the period end.
-- Fewer than the setting MinLtvHistoryMonths and a short purchase frequency would be stretched over the whole
-- lifespan (a first month makes every customer a monthly buyer), so the estimate is withheld instead.
closed_months AS (
    SELECT DISTINCT CAST(date_trunc('month', closed_date) AS DATE) AS month
    FROM dw.fact_deal WHERE is_closed AND closed_date IS NOT NULL
),
crm_history AS (
    SELECT p.grain, p.period_start, count(cm.month) AS history_months
    FROM (SELECT DISTINCT grain, period_start, period_end FROM base) AS p
    LEFT JOIN closed_months AS cm ON cm.month <= p.period_end
    GROUP BY ALL
),
-- LTV:CAC pairs one cohort with its own acquisition cost: the customers acquired in the period (first won deal in
-- it; by acquisition channel), their revenue to date (every won deal up to the last CRM day), and the marketing cost
-- of the period they were acquired in. The LTV it uses is that cohort's historic LTV to date, not the LTV of all
-- customers, so an old customer base is never set against this month's spend.
cohort AS (
    SELECT r.grain, r.period_start, r.segment_type, r.segment,
           count(DISTINCT c.customer_key) AS cohort_customers,
           sum(w.amount_reporting)        AS cohort_revenue_to_date
    FROM base AS r
    JOIN dw.dim_customer AS c
      ON c.first_won_date BETWEEN r.period_start AND r.period_end
     AND (r.segment_type = 'all' OR c.acquisition_channel = r.segment)
    LEFT JOIN won AS w ON w.customer_key = c.customer_key
    GROUP BY ALL
),
-- LTV (historic) as of the period end: revenue won up to the period end from the customers acquired up to then,
-- per acquisition channel (every deal of such a customer counts, whatever channel the later deal came from).
historic AS (
    SELECT r.grain, r.period_start, r.segment_type, r.segment,
           count(DISTINCT w.customer_key) AS customers_to_date,
           sum(w.amount_reporting)        AS revenue_to_date
    FROM base AS r
    JOIN won AS w
      ON (r.segment_type = 'all' OR w.acquisition_channel = r.segment)
     AND w.closed_date <= r.period_end
    GROUP BY ALL
),
assembled AS (
    SELECT
        r.grain,
        r.period_start,
        r.period_end,
        r.segment AS channel,
        r.segment_type = 'all' AS is_total,
        r.revenue,
        r.revenue / NULLIF(a.revenue, 0) AS revenue_share,
        c.marketing_cost,
        r.roi,
        r.roi_paid,
        r.romi,
        CAST(r.new_customers AS BIGINT) AS new_customers,
        r.cac,
        r.cac_paid,
        r.aov,
        CAST(h.revenue_to_date / NULLIF(h.customers_to_date, 0) AS DOUBLE) AS ltv_historic,
        CAST(t.won_revenue_12m / NULLIF(t.won_deals_12m, 0) AS DOUBLE) AS aov_12m,
        CAST(t.won_deals_12m / NULLIF(tc.customers_12m, 0)
             / NULLIF(least(12, greatest(0, date_diff('month', cs.first_month, CAST(date_trunc('month', r.period_end) AS DATE)) + 1)), 0)
             AS DOUBLE) AS purchases_per_customer_month,
        hs.history_months,
        CAST(COALESCE(co.cohort_customers, 0) AS BIGINT) AS cohort_customers,
        CAST(co.cohort_revenue_to_date / NULLIF(co.cohort_customers, 0) AS DOUBLE) AS cohort_ltv,
        CAST(c.marketing_cost / NULLIF(co.cohort_customers, 0) AS DOUBLE) AS cohort_cac,
        CAST(co.cohort_revenue_to_date / NULLIF(c.marketing_cost, 0) AS DOUBLE) AS cohort_ltv_to_cac,
        r.period_complete,
        r.coverage,
        r.covered_days,
        r.period_days,
        r.status,
        rs.status_reason,
        p.revenue AS previous_revenue
    FROM base AS r
    LEFT JOIN base AS a
      ON a.grain = r.grain AND a.period_start = r.period_start AND a.segment_type = 'all'
    LEFT JOIN base AS p
      ON p.grain = r.grain AND p.segment_type = r.segment_type AND p.segment = r.segment
     AND p.period_start = CAST(r.period_start - CASE r.grain WHEN 'quarter' THEN INTERVAL 3 MONTH ELSE INTERVAL 1 MONTH END AS DATE)
    LEFT JOIN costs AS c
      ON c.grain = r.grain AND c.period_start = r.period_start AND c.segment_type = r.segment_type AND c.segment = r.segment
    LEFT JOIN trailing_sums AS t
      ON t.grain = r.grain AND t.period_start = r.period_start AND t.segment_type = r.segment_type AND t.segment = r.segment
    LEFT JOIN trailing_customers AS tc
      ON tc.grain = r.grain AND tc.period_start = r.period_start AND tc.segment_type = r.segment_type AND tc.segment = r.segment
    LEFT JOIN historic AS h
      ON h.grain = r.grain AND h.period_start = r.period_start AND h.segment_type = r.segment_type AND h.segment = r.segment
    LEFT JOIN cohort AS co
      ON co.grain = r.grain AND co.period_start = r.period_start AND co.segment_type = r.segment_type AND co.segment = r.segment
    LEFT JOIN crm_history AS hs ON hs.grain = r.grain AND hs.period_start = r.period_start
    LEFT JOIN reasons AS rs
      ON rs.grain = r.grain AND rs.period_start = r.period_start AND rs.segment_type = r.segment_type AND rs.segment = r.segment
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
    CAST((x.revenue - x.previous_revenue) / NULLIF(x.previous_revenue, 0) AS DOUBLE) AS sales_growth,
    x.marketing_cost,
    x.roi,
    x.roi_paid,
    x.romi,
    x.new_customers,
    x.cac,
    x.cac_paid,
    x.aov,
    x.ltv_historic,
    x.aov_12m,
    x.purchases_per_customer_month,
    CAST(CASE WHEN x.history_months >= s.min_ltv_history_months
              THEN x.aov_12m * x.purchases_per_customer_month * s.expected_lifespan_months END AS DOUBLE) AS ltv_formula,
    CASE WHEN x.history_months < s.min_ltv_history_months
         THEN 'not enough CRM history: ' || CAST(x.history_months AS VARCHAR) || ' of ' || CAST(s.min_ltv_history_months AS VARCHAR)
              || ' months with closed deals up to ' || strftime(x.period_end, '%Y-%m-%d') || ' (setting MinLtvHistoryMonths)'
         WHEN x.aov_12m IS NULL OR x.purchases_per_customer_month IS NULL
         THEN 'no won deals in the 12 months up to ' || strftime(x.period_end, '%Y-%m-%d')
    END AS ltv_formula_note,
    x.cohort_customers,
    x.cohort_ltv,
    x.cohort_cac,
    x.cohort_ltv_to_cac AS ltv_to_cac,
    x.period_complete,
    x.coverage,
    x.covered_days,
    x.period_days,
    x.status,
    x.status_reason
FROM assembled AS x
CROSS JOIN dw.settings AS s;
