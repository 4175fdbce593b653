CREATE VIEW dw.fact_ad_reach AS
SELECT i.date_start AS date, i.account_id, i.campaign_id, i.campaign_name AS campaign, i.adset_id, i.ad_id, i.ad_name,
       i.impressions, i.reach, CAST(i.impressions AS {{float}}) / NULLIF(i.reach, 0) AS frequency
FROM staging.meta_insights_daily AS i
WHERE {{is_false(i.reach_unavailable)}} AND i.reach IS NOT NULL;
