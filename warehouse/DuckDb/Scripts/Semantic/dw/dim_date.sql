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
    CAST(date_trunc('quarter', date) + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE) AS quarter_end,
    CAST(quarter(date) AS INTEGER)                                   AS quarter,
    CAST(year(date) AS INTEGER)                                      AS year,
    CAST(date - 7 AS DATE)                                           AS prior_week_date,
    CAST(date - INTERVAL 1 MONTH AS DATE)                            AS prior_month_date,
    CAST(date - INTERVAL 1 YEAR AS DATE)                             AS prior_year_date
FROM days;
