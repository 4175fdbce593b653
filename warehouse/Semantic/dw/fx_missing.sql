-- Money rows whose currency has no FX rate at all (dw.fx_daily has none), so their reporting-currency amount is
-- unknown: a money KPI does not count the days they occur on as covered, and `pipeline status` / `sync` warn.
-- Zero amounts are left out: nothing is lost by not converting them.
CREATE VIEW dw.fx_missing AS
WITH money AS (
    SELECT date, 'meta' AS source, currency FROM dw.fact_ad_performance_daily
    WHERE (spend <> 0 AND spend_reporting IS NULL) OR (purchase_value <> 0 AND purchase_value_reporting IS NULL)
    UNION ALL
    SELECT date, 'ga4', currency FROM dw.fact_google_ads_daily WHERE cost <> 0 AND cost_reporting IS NULL
    UNION ALL
    SELECT date, 'ga4', currency FROM dw.fact_web_sessions_daily WHERE purchase_revenue <> 0 AND purchase_revenue_reporting IS NULL
    UNION ALL
    SELECT CASE WHEN is_won THEN closed_date ELSE created_date END, 'hubspot', currency FROM dw.fact_deal
    WHERE amount <> 0 AND amount_reporting IS NULL
    UNION ALL
    SELECT date, 'files', currency FROM dw.fact_marketing_cost WHERE platform = 'files' AND cost <> 0 AND cost_reporting IS NULL
)
SELECT currency, date, source, COUNT(*) AS "rows"
FROM money
WHERE date IS NOT NULL
GROUP BY currency, date, source;
