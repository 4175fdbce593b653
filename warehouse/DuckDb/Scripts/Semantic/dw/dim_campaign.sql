CREATE OR REPLACE VIEW dw.dim_campaign AS
SELECT 'meta' AS platform, account_id, id AS campaign_id, name AS campaign_name, name AS utm_name, objective, effective_status AS status
FROM staging.meta_campaigns
UNION ALL
SELECT 'mailchimp', _account_id, id, title, COALESCE(NULLIF(utm_campaign, ''), title), type, status FROM staging.mailchimp_campaigns
UNION ALL
SELECT 'google_ads', _account_id, session_google_ads_campaign_id, arg_max(session_google_ads_campaign_name, date),
       arg_max(session_google_ads_campaign_name, date), NULL, NULL
FROM staging.ga4_google_ads_daily
GROUP BY _account_id, session_google_ads_campaign_id
UNION ALL
SELECT 'ga4', _account_id, session_campaign_name, session_campaign_name, session_campaign_name, NULL, NULL
FROM staging.ga4_traffic_daily
WHERE lower(trim(session_campaign_name)) NOT IN ('(direct)', '(organic)', '(referral)', '(not set)', '(none)', '')
GROUP BY _account_id, session_campaign_name;
