CREATE VIEW dw.fact_marketing_cost AS
SELECT date, 'meta' AS platform, account_id, channel, campaign, spend AS cost, currency, spend_reporting AS cost_reporting
FROM dw.fact_ad_performance_daily
UNION ALL
SELECT date, 'google_ads', account_id, channel, campaign, cost, currency, cost_reporting
FROM dw.fact_google_ads_daily
UNION ALL
SELECT c.date, 'files', c._account_id, COALESCE(m.channel, 'Unassigned'), NULLIF(c.campaign, ''), c.cost, c.currency,
       c.cost * fx.rate_to_reporting
FROM staging.files_marketing_costs AS c
LEFT JOIN dw.channel_mapping AS m ON m.platform = 'files' AND lower(m.source_value) = lower(c.channel)
LEFT JOIN dw.fx_daily AS fx ON fx.date = c.date AND fx.currency = c.currency;
