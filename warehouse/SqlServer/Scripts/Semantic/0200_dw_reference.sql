-- Conformed dimensions of the star schema and the reference data facts are converted with.
-- T-SQL twin of warehouse/DuckDb/Scripts/Semantic/0200_dw_reference.sql: same views, same columns in the same order
-- (tests/Pipeline.SqlServer.Scripts.Tests keeps them in step). Needs compatibility level 160 (GENERATE_SERIES, DATETRUNC).

-- Weekday arithmetic counts from Monday 1900-01-01, so it does not depend on the session's DATEFIRST or language.
CREATE OR ALTER VIEW dw.dim_date AS
WITH bounds AS (
    SELECT MIN(d) AS lo, MAX(d) AS hi
    FROM (
        SELECT MIN(date) AS d FROM staging.ga4_traffic_daily UNION ALL SELECT MAX(date) FROM staging.ga4_traffic_daily
        UNION ALL SELECT MIN(date) FROM staging.ga4_users_daily UNION ALL SELECT MAX(date) FROM staging.ga4_users_daily
        UNION ALL SELECT MIN(date) FROM staging.ga4_google_ads_daily UNION ALL SELECT MAX(date) FROM staging.ga4_google_ads_daily
        UNION ALL SELECT MIN(date_start) FROM staging.meta_insights_daily UNION ALL SELECT MAX(date_start) FROM staging.meta_insights_daily
        UNION ALL SELECT MIN(day) FROM staging.mailchimp_list_activity_daily UNION ALL SELECT MAX(day) FROM staging.mailchimp_list_activity_daily
        UNION ALL SELECT CAST(MIN(send_time) AS date) FROM staging.mailchimp_campaign_reports
        UNION ALL SELECT DATEADD(day, 1, CAST(MAX(send_time) AS date)) FROM staging.mailchimp_campaign_reports
        UNION ALL SELECT DATEADD(day, -1, CAST(MIN(last_changed) AS date)) FROM staging.mailchimp_list_members
        UNION ALL SELECT DATEADD(day, 1, CAST(MAX(last_changed) AS date)) FROM staging.mailchimp_list_members
        UNION ALL SELECT DATEADD(day, -1, CAST(MIN(createdate) AS date)) FROM staging.hubspot_contacts
        UNION ALL SELECT DATEADD(day, 1, CAST(MAX(createdate) AS date)) FROM staging.hubspot_contacts
        UNION ALL SELECT DATEADD(day, -1, CAST(MIN(createdate) AS date)) FROM staging.hubspot_deals
        UNION ALL SELECT DATEADD(day, 1, CAST(MAX(closedate) AS date)) FROM staging.hubspot_deals
        UNION ALL SELECT MIN(date) FROM staging.files_marketing_costs UNION ALL SELECT MAX(date) FROM staging.files_marketing_costs
        UNION ALL SELECT MIN(date) FROM staging.files_nps_responses UNION ALL SELECT MAX(date) FROM staging.files_nps_responses
        UNION ALL SELECT MIN(period_start) FROM staging.files_kpi_targets UNION ALL SELECT MAX(period_end) FROM staging.files_kpi_targets
    ) AS b
),
span AS (
    SELECT DATETRUNC(year, COALESCE(lo, CAST(SYSDATETIME() AS date)))                   AS lo,
           DATEFROMPARTS(YEAR(COALESCE(hi, CAST(SYSDATETIME() AS date))), 12, 31)       AS hi
    FROM bounds
),
days AS (
    SELECT DATEADD(day, CAST(r.value AS int), span.lo) AS date
    FROM span
    CROSS APPLY GENERATE_SERIES(0, DATEDIFF(day, span.lo, span.hi), 1) AS r
),
weekdays AS (
    SELECT date, (DATEDIFF(day, DATEFROMPARTS(1900, 1, 1), date) % 7 + 7) % 7 + 1 AS isodow
    FROM days
)
SELECT
    date,
    YEAR(date) * 10000 + MONTH(date) * 100 + DAY(date)                                 AS date_key,
    DATEDIFF(day, DATEFROMPARTS(2000, 1, 1), date)                                     AS day_index,
    isodow                                                                             AS iso_day_of_week,
    CAST(CHOOSE(isodow, 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday') AS nvarchar(9)) AS day_name,
    CAST(CASE WHEN isodow >= 6 THEN 1 ELSE 0 END AS bit)                               AS is_weekend,
    DATEADD(day, 1 - isodow, date)                                                     AS iso_week_start,
    YEAR(DATEADD(day, 4 - isodow, date))                                               AS iso_year,
    DATEPART(iso_week, date)                                                           AS iso_week,
    DATETRUNC(month, date)                                                             AS month_start,
    EOMONTH(date)                                                                      AS month_end,
    CAST(CHOOSE(MONTH(date), 'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
                'October', 'November', 'December') AS nvarchar(9))                     AS month_name,
    DATETRUNC(quarter, date)                                                           AS quarter_start,
    DATEPART(quarter, date)                                                            AS quarter,
    YEAR(date)                                                                         AS year,
    DATEADD(day, -7, date)                                                             AS prior_week_date,
    DATEADD(month, -1, date)                                                           AS prior_month_date,
    DATEADD(year, -1, date)                                                            AS prior_year_date
FROM weekdays;
GO
EXEC etl.set_description N'dw', N'dim_date', NULL, N'Calendar: one row per day from the first January before the earliest data to the last December 31 after the latest (targets included). ISO weeks start on Monday.';
EXEC etl.set_description N'dw', N'dim_date', N'day_index', N'Days since 2000-01-01: subtract two to get a distance in days.';
EXEC etl.set_description N'dw', N'dim_date', N'prior_month_date', N'Same day one month earlier (clamped to the month end).';
GO

-- Exchange rate to the reporting currency for every day of dim_date and every currency in fx_rates: the last
-- rate on or before the day, else the first one known (so old rows are never dropped for want of a rate).
CREATE OR ALTER VIEW dw.fx_daily AS
WITH currencies AS (
    SELECT DISTINCT currency FROM staging.files_fx_rates
),
grid AS (
    SELECT d.date, c.currency FROM dw.dim_date AS d CROSS JOIN currencies AS c
)
SELECT g.date, g.currency, CAST(COALESCE(r.rate, f.rate) AS decimal(38, 9)) AS rate_to_reporting
FROM grid AS g
-- DuckDB's ASOF LEFT JOIN: the row of the latest day on or before the grid day.
OUTER APPLY (
    SELECT TOP (1) x.rate FROM staging.files_fx_rates AS x
    WHERE x.currency = g.currency AND x.date <= g.date
    ORDER BY x.date DESC
) AS r
-- DuckDB's arg_min(rate, date): the rate of the earliest day, skipping rows without a day or a rate.
OUTER APPLY (
    SELECT TOP (1) x.rate FROM staging.files_fx_rates AS x
    WHERE x.currency = g.currency AND x.date IS NOT NULL AND x.rate IS NOT NULL
    ORDER BY x.date
) AS f
WHERE g.currency <> (SELECT reporting_currency FROM dw.settings)
UNION ALL
SELECT d.date, s.reporting_currency, CAST(1 AS decimal(38, 9)) FROM dw.dim_date AS d CROSS JOIN dw.settings AS s;
GO
EXEC etl.set_description N'dw', N'fx_daily', NULL, N'Units of the reporting currency for one unit of each currency, per day: the last fx_rates row on or before the day, else the first one known. The reporting currency is always 1.';
GO

CREATE OR ALTER VIEW dw.dim_channel AS
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
    CAST(CASE WHEN channel IN ('Paid Search', 'Paid Social', 'Display', 'Paid Video', 'Paid Shopping', 'Paid Other', 'Cross-network', 'Affiliates', 'Audio')
              THEN 1 ELSE 0 END AS bit) AS is_paid,
    CASE
        WHEN channel IN ('Paid Search', 'Paid Social', 'Display', 'Paid Video', 'Paid Shopping', 'Paid Other', 'Cross-network', 'Affiliates', 'Audio') THEN 'Paid'
        WHEN channel IN ('Email', 'SMS', 'Mobile Push Notifications') THEN 'Owned'
        WHEN channel IN ('Organic Search', 'Organic Social', 'Organic Video', 'Organic Shopping', 'Referral', 'Direct') THEN 'Earned'
        ELSE 'Other'
    END AS channel_kind
FROM names
WHERE channel IS NOT NULL;
GO
EXEC etl.set_description N'dw', N'dim_channel', NULL, N'Marketing channels: GA4 default channel groups plus every channel named in dw.channel_mapping.';
GO

CREATE OR ALTER VIEW dw.dim_geo AS
WITH seen AS (
    SELECT DISTINCT country AS label FROM staging.ga4_traffic_daily
    UNION SELECT DISTINCT country FROM staging.meta_insights_daily_by_country
)
SELECT cc.iso2 AS country_code, cc.name AS country, cc.region FROM dw.country_codes AS cc
UNION ALL
SELECT NULL, s.label, 'Other' FROM seen AS s
WHERE s.label IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM dw.country_codes AS cc WHERE cc.name = s.label OR cc.iso2 = s.label);
GO
EXEC etl.set_description N'dw', N'dim_geo', NULL, N'Countries by the English name GA4 reports (Meta''s ISO codes are translated through dw.country_codes); unknown labels keep their own text under region Other.';
GO

CREATE OR ALTER VIEW dw.dim_device AS
SELECT d.platform_label, d.platform, d.device
FROM (VALUES
    ('desktop', 'ga4', 'desktop'), ('mobile', 'ga4', 'mobile'), ('tablet', 'ga4', 'tablet'), ('smart tv', 'ga4', 'other'),
    ('desktop', 'meta', 'desktop'), ('mobile_app', 'meta', 'mobile'), ('mobile_web', 'meta', 'mobile'), ('unknown', 'meta', 'other')
) AS d(platform_label, platform, device);
GO
EXEC etl.set_description N'dw', N'dim_device', NULL, N'Device classes (desktop, mobile, tablet, other) and the platform labels that map to them.';
GO

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
GO
EXEC etl.set_description N'dw', N'dim_account', NULL, N'Source accounts: GA4 properties, Google Ads accounts linked to them (property/account name), Meta ad accounts, Mailchimp accounts, HubSpot portals, with currency and time zone as reported. Report dates of GA4 and Meta are in the account''s own time zone.';
GO

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
WHERE session_campaign_name NOT IN ('(direct)', '(organic)', '(referral)', '(not set)', '(none)', '')
GROUP BY _account_id, session_campaign_name;
GO
EXEC etl.set_description N'dw', N'dim_campaign', NULL, N'Campaigns of every platform. utm_name is the conformed campaign key that joins ad spend, email sends, web sessions and CRM leads of one campaign (Meta campaign name, Google Ads campaign name as GA4 reports it, Mailchimp utm_campaign, GA4 session campaign, HubSpot original source drill-down 2).';
GO
