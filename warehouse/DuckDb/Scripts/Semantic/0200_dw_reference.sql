-- Conformed dimensions of the star schema and the reference data facts are converted with.

CREATE OR REPLACE VIEW dw.dim_date AS
WITH bounds AS (
    SELECT min(d) AS lo, max(d) AS hi
    FROM (
        SELECT min(date) AS d FROM staging.ga4_traffic_daily UNION ALL SELECT max(date) FROM staging.ga4_traffic_daily
        UNION ALL SELECT min(date) FROM staging.ga4_users_daily UNION ALL SELECT max(date) FROM staging.ga4_users_daily
        UNION ALL SELECT min(date) FROM staging.ga4_google_ads_daily UNION ALL SELECT max(date) FROM staging.ga4_google_ads_daily
        UNION ALL SELECT min(date_start) FROM staging.meta_insights_daily UNION ALL SELECT max(date_start) FROM staging.meta_insights_daily
        UNION ALL SELECT min(day) FROM staging.mailchimp_list_activity_daily UNION ALL SELECT max(day) FROM staging.mailchimp_list_activity_daily
        UNION ALL SELECT CAST(min(send_time) AS DATE) FROM staging.mailchimp_campaign_reports
        UNION ALL SELECT CAST(max(send_time) AS DATE) + 1 FROM staging.mailchimp_campaign_reports
        UNION ALL SELECT CAST(min(last_changed) AS DATE) - 1 FROM staging.mailchimp_list_members
        UNION ALL SELECT CAST(max(last_changed) AS DATE) + 1 FROM staging.mailchimp_list_members
        UNION ALL SELECT CAST(min(createdate) AS DATE) - 1 FROM staging.hubspot_contacts
        UNION ALL SELECT CAST(max(createdate) AS DATE) + 1 FROM staging.hubspot_contacts
        UNION ALL SELECT CAST(min(createdate) AS DATE) - 1 FROM staging.hubspot_deals
        UNION ALL SELECT CAST(max(closedate) AS DATE) + 1 FROM staging.hubspot_deals
        UNION ALL SELECT min(date) FROM staging.files_marketing_costs UNION ALL SELECT max(date) FROM staging.files_marketing_costs
        UNION ALL SELECT min(date) FROM staging.files_nps_responses UNION ALL SELECT max(date) FROM staging.files_nps_responses
        UNION ALL SELECT min(period_start) FROM staging.files_kpi_targets UNION ALL SELECT max(period_end) FROM staging.files_kpi_targets
    ) AS b
),
span AS (
    SELECT CAST(date_trunc('year', COALESCE(lo, current_date)) AS DATE) AS lo,
           CAST(date_trunc('year', COALESCE(hi, current_date)) + INTERVAL 1 YEAR - INTERVAL 1 DAY AS DATE) AS hi
    FROM bounds
),
days AS (
    SELECT CAST(r.range AS DATE) AS date
    FROM span, range(CAST(span.lo AS TIMESTAMP), CAST(span.hi AS TIMESTAMP) + INTERVAL 1 DAY, INTERVAL 1 DAY) AS r
)
SELECT
    date,
    CAST(strftime(date, '%Y%m%d') AS INTEGER)                        AS date_key,
    CAST(date - DATE '2000-01-01' AS INTEGER)                        AS day_index,
    CAST(isodow(date) AS INTEGER)                                    AS iso_day_of_week,
    dayname(date)                                                    AS day_name,
    isodow(date) >= 6                                                AS is_weekend,
    CAST(date_trunc('week', date) AS DATE)                           AS iso_week_start,
    CAST(isoyear(date) AS INTEGER)                                   AS iso_year,
    CAST(week(date) AS INTEGER)                                      AS iso_week,
    CAST(date_trunc('month', date) AS DATE)                          AS month_start,
    CAST(date_trunc('month', date) + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE) AS month_end,
    monthname(date)                                                  AS month_name,
    CAST(date_trunc('quarter', date) AS DATE)                        AS quarter_start,
    CAST(quarter(date) AS INTEGER)                                   AS quarter,
    CAST(year(date) AS INTEGER)                                      AS year,
    CAST(date - 7 AS DATE)                                           AS prior_week_date,
    CAST(date - INTERVAL 1 MONTH AS DATE)                            AS prior_month_date,
    CAST(date - INTERVAL 1 YEAR AS DATE)                             AS prior_year_date
FROM days;
COMMENT ON VIEW dw.dim_date IS 'Calendar: one row per day from the first January before the earliest data to the last December 31 after the latest (targets included). ISO weeks start on Monday.';
COMMENT ON COLUMN dw.dim_date.day_index IS 'Days since 2000-01-01: subtract two to get a distance in days.';
COMMENT ON COLUMN dw.dim_date.prior_month_date IS 'Same day one month earlier (clamped to the month end).';

-- Exchange rate to the reporting currency for every day of dim_date and every currency in fx_rates: the last
-- rate on or before the day, else the first one known (so old rows are never dropped for want of a rate).
CREATE OR REPLACE VIEW dw.fx_daily AS
WITH currencies AS (
    SELECT DISTINCT currency FROM staging.files_fx_rates
),
first_rate AS (
    SELECT currency, arg_min(rate, date) AS rate FROM staging.files_fx_rates GROUP BY currency
),
grid AS (
    SELECT d.date, c.currency FROM dw.dim_date AS d CROSS JOIN currencies AS c
)
SELECT g.date, g.currency, CAST(COALESCE(r.rate, f.rate) AS DECIMAL(38, 9)) AS rate_to_reporting
FROM grid AS g
ASOF LEFT JOIN staging.files_fx_rates AS r ON r.currency = g.currency AND g.date >= r.date
JOIN first_rate AS f ON f.currency = g.currency
WHERE g.currency <> (SELECT reporting_currency FROM dw.settings)
UNION ALL
SELECT d.date, s.reporting_currency, CAST(1 AS DECIMAL(38, 9)) FROM dw.dim_date AS d CROSS JOIN dw.settings AS s;
COMMENT ON VIEW dw.fx_daily IS 'Units of the reporting currency for one unit of each currency, per day: the last fx_rates row on or before the day, else the first one known. The reporting currency is always 1.';

CREATE OR REPLACE VIEW dw.dim_channel AS
WITH names AS (
    SELECT channel FROM dw.channel_mapping
    UNION SELECT session_default_channel_group FROM staging.ga4_traffic_daily
    UNION SELECT channel FROM (VALUES ('Direct'), ('Organic Search'), ('Paid Search'), ('Organic Social'), ('Paid Social'),
        ('Email'), ('Referral'), ('Display'), ('Affiliates'), ('Organic Video'), ('Paid Video'), ('Paid Shopping'),
        ('Organic Shopping'), ('Cross-network'), ('Audio'), ('SMS'), ('Mobile Push Notifications'), ('Paid Other'),
        ('Offline'), ('Other'), ('Unassigned')) AS d(channel)
)
SELECT
    channel,
    channel IN ('Paid Search', 'Paid Social', 'Display', 'Paid Video', 'Paid Shopping', 'Paid Other', 'Cross-network', 'Affiliates', 'Audio') AS is_paid,
    CASE
        WHEN channel IN ('Paid Search', 'Paid Social', 'Display', 'Paid Video', 'Paid Shopping', 'Paid Other', 'Cross-network', 'Affiliates', 'Audio') THEN 'Paid'
        WHEN channel IN ('Email', 'SMS', 'Mobile Push Notifications') THEN 'Owned'
        WHEN channel IN ('Organic Search', 'Organic Social', 'Organic Video', 'Organic Shopping', 'Referral', 'Direct') THEN 'Earned'
        ELSE 'Other'
    END AS channel_kind
FROM names
WHERE channel IS NOT NULL;
COMMENT ON VIEW dw.dim_channel IS 'Marketing channels: GA4 default channel groups plus every channel named in dw.channel_mapping.';

CREATE OR REPLACE VIEW dw.dim_geo AS
WITH seen AS (
    SELECT DISTINCT country AS label FROM staging.ga4_traffic_daily
    UNION SELECT DISTINCT country FROM staging.meta_insights_daily_by_country
)
SELECT cc.iso2 AS country_code, cc.name AS country, cc.region FROM dw.country_codes AS cc
UNION ALL
SELECT NULL, s.label, 'Other' FROM seen AS s
WHERE s.label IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM dw.country_codes AS cc WHERE cc.name = s.label OR cc.iso2 = s.label);
COMMENT ON VIEW dw.dim_geo IS 'Countries by the English name GA4 reports (Meta''s ISO codes are translated through dw.country_codes); unknown labels keep their own text under region Other.';

CREATE OR REPLACE VIEW dw.dim_device AS
SELECT * FROM (VALUES
    ('desktop', 'ga4', 'desktop'), ('mobile', 'ga4', 'mobile'), ('tablet', 'ga4', 'tablet'), ('smart tv', 'ga4', 'other'),
    ('desktop', 'meta', 'desktop'), ('mobile_app', 'meta', 'mobile'), ('mobile_web', 'meta', 'mobile'), ('unknown', 'meta', 'other')
) AS d(platform_label, platform, device);
COMMENT ON VIEW dw.dim_device IS 'Device classes (desktop, mobile, tablet, other) and the platform labels that map to them.';

CREATE OR REPLACE VIEW dw.dim_account AS
SELECT 'ga4' AS platform, _account_id AS account_id, 'GA4 property ' || _account_id AS name,
       max(currency_code) AS currency, max(time_zone) AS time_zone
FROM staging.ga4_traffic_daily GROUP BY _account_id
UNION ALL
SELECT 'google_ads', _account_id || '/' || session_google_ads_account_name, session_google_ads_account_name || ' (Google Ads via GA4 property ' || _account_id || ')',
       max(currency_code), max(time_zone)
FROM staging.ga4_google_ads_daily GROUP BY _account_id, session_google_ads_account_name
UNION ALL
SELECT 'meta', id, name, currency, timezone_name FROM staging.meta_ad_accounts
UNION ALL
SELECT 'mailchimp', _account_id, 'Mailchimp account ' || _account_id, NULL, NULL FROM staging.mailchimp_lists GROUP BY _account_id
UNION ALL
SELECT 'hubspot', _account_id, 'HubSpot portal ' || _account_id, max(deal_currency_code), NULL FROM staging.hubspot_deals GROUP BY _account_id;
COMMENT ON VIEW dw.dim_account IS 'Source accounts: GA4 properties, Google Ads accounts linked to them (property/account name), Meta ad accounts, Mailchimp accounts, HubSpot portals, with currency and time zone as reported. Report dates of GA4 and Meta are in the account''s own time zone.';

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
WHERE session_campaign_name NOT IN ('(direct)', '(organic)', '(referral)', '(not set)', '(none)', '')
GROUP BY _account_id, session_campaign_name;
COMMENT ON VIEW dw.dim_campaign IS 'Campaigns of every platform. utm_name is the conformed campaign key that joins ad spend, email sends, web sessions and CRM leads of one campaign (Meta campaign name, Google Ads campaign name as GA4 reports it, Mailchimp utm_campaign, GA4 session campaign, HubSpot original source drill-down 2).';
