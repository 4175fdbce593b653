CREATE OR ALTER VIEW dw.dim_account AS
SELECT 'ga4' AS platform, _account_id AS account_id, 'GA4 property ' + _account_id AS name,
       MAX(currency_code) AS currency, MAX(time_zone) AS time_zone
FROM staging.ga4_traffic_daily GROUP BY _account_id
UNION ALL
SELECT 'google_ads', _account_id + '/' + session_google_ads_account_name, session_google_ads_account_name + ' (Google Ads via GA4 property ' + _account_id + ')',
       MAX(currency_code), MAX(time_zone)
FROM staging.ga4_google_ads_daily GROUP BY _account_id, session_google_ads_account_name
UNION ALL
SELECT 'meta', id, name, currency, timezone_name FROM staging.meta_ad_accounts
UNION ALL
SELECT 'mailchimp', _account_id, 'Mailchimp account ' + _account_id, NULL, NULL FROM staging.mailchimp_lists GROUP BY _account_id
UNION ALL
SELECT 'hubspot', _account_id, 'HubSpot portal ' + _account_id, MAX(deal_currency_code), NULL FROM staging.hubspot_deals GROUP BY _account_id;
