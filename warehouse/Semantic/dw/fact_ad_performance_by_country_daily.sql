CREATE VIEW dw.fact_ad_performance_by_country_daily AS
SELECT
    i.date_start AS date, i.account_id, COALESCE((SELECT channel FROM dw.channel_mapping WHERE platform = 'meta' AND source_value = '*'), 'Paid Social') AS channel,
    i.campaign_id, i.campaign_name AS campaign, i.ad_id, COALESCE(cc.name, i.country) AS country,
    i.impressions, i.clicks, i.inline_link_clicks AS link_clicks, i.spend, i.account_currency AS currency,
    i.spend * fx.rate_to_reporting AS spend_reporting, i.actions_lead AS leads, i.actions_purchase AS purchases,
    i.action_values_purchase * fx.rate_to_reporting AS purchase_value_reporting
FROM staging.meta_insights_daily_by_country AS i
LEFT JOIN dw.country_codes AS cc ON cc.iso2 = i.country
LEFT JOIN dw.fx_daily AS fx ON fx.date = i.date_start AND fx.currency = i.account_currency;
