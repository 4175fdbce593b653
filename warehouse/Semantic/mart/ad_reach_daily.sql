CREATE VIEW mart.ad_reach_daily AS
SELECT r.date, r.account_id, a.name AS account_name, r.campaign_id, r.campaign, r.adset_id, r.ad_id, r.ad_name,
       r.impressions, r.reach, r.frequency
FROM dw.fact_ad_reach AS r
LEFT JOIN dw.dim_account AS a ON a.platform = 'meta' AND a.account_id = r.account_id;
