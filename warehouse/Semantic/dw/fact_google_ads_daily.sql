-- Google Ads has no connector of its own: GA4 reports the cost, clicks and impressions of a linked Google Ads account
-- (advertiserAd* metrics), which is where most SMEs' paid-search cost lives.
CREATE VIEW dw.fact_google_ads_daily AS
SELECT
    g.date,
    g._account_id                                                    AS account_id,
    g.session_google_ads_account_name                                AS ads_account,
    COALESCE((SELECT channel FROM dw.channel_mapping WHERE platform = 'google_ads' AND source_value = '*'), 'Paid Search') AS channel,
    g.session_google_ads_campaign_id                                 AS campaign_id,
    g.session_google_ads_campaign_name                               AS campaign,
    g.advertiser_ad_impressions                                      AS impressions,
    g.advertiser_ad_clicks                                           AS clicks,
    g.advertiser_ad_cost                                             AS cost,
    g.currency_code                                                  AS currency,
    g.advertiser_ad_cost * fx.rate_to_reporting                      AS cost_reporting
FROM staging.ga4_google_ads_daily AS g
LEFT JOIN dw.fx_daily AS fx ON fx.date = g.date AND fx.currency = g.currency_code;
