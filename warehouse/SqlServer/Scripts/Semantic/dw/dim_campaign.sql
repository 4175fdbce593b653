CREATE OR ALTER VIEW dw.dim_campaign AS
SELECT 'meta' AS platform, account_id, id AS campaign_id, name AS campaign_name, name AS utm_name, objective, effective_status AS status
FROM staging.meta_campaigns
UNION ALL
SELECT 'mailchimp', _account_id, id, title, COALESCE(NULLIF(utm_campaign, ''), title), type, status FROM staging.mailchimp_campaigns
UNION ALL
-- The campaign's latest name (a campaign renamed in Google Ads keeps its id).
SELECT 'google_ads', g._account_id, g.session_google_ads_campaign_id, latest.name, latest.name, NULL, NULL
FROM (SELECT DISTINCT _account_id, session_google_ads_campaign_id FROM staging.ga4_google_ads_daily) AS g
CROSS APPLY (SELECT TOP (1) x.session_google_ads_campaign_name AS name FROM staging.ga4_google_ads_daily AS x
             WHERE x._account_id = g._account_id AND x.session_google_ads_campaign_id = g.session_google_ads_campaign_id
             ORDER BY x.date DESC) AS latest
UNION ALL
SELECT 'ga4', _account_id, session_campaign_name, session_campaign_name, session_campaign_name, NULL, NULL
FROM staging.ga4_traffic_daily
WHERE LOWER(TRIM(session_campaign_name)) NOT IN ('(direct)', '(organic)', '(referral)', '(not set)', '(none)', '')
GROUP BY _account_id, session_campaign_name;
