-- Conformed dimensions of the star schema and the reference data facts are converted with.
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
    EOMONTH(DATEADD(month, 2, DATETRUNC(quarter, date)))                               AS quarter_end,
    DATEPART(quarter, date)                                                            AS quarter,
    YEAR(date)                                                                         AS year,
    DATEADD(day, -7, date)                                                             AS prior_week_date,
    DATEADD(month, -1, date)                                                           AS prior_month_date,
    DATEADD(year, -1, date)                                                            AS prior_year_date
FROM weekdays;
