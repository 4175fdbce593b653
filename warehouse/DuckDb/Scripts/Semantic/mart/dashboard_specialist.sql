-- Channel specialist: one row per kind of activity, so each row only carries the columns that apply to it.
--   ads    a Meta campaign's delivery (impressions, CTR, CPC, CPM);
--   web    GA4 sessions of a campaign (engagement);
--   email  a Mailchimp campaign, dated by its send day;
--   list   the whole mailing list's growth (segment All).
-- A campaign can have several rows in a period (e.g. ads and web). Reach and frequency are not summable and are
-- not here: they are in mart.ad_reach_daily (one ad, one day).
CREATE OR REPLACE VIEW mart.dashboard_specialist AS
WITH v AS (
    SELECT grain, period_start, period_end, segment_type, segment, kpi_id, numerator, denominator, value, period_complete
    FROM mart.kpi_values
    WHERE grain IN ('week', 'month')
      AND (segment_type = 'campaign' OR (segment_type = 'all' AND kpi_id = 'list_growth'))
      AND kpi_id IN ('impressions', 'ctr', 'cpc', 'cpm', 'sessions', 'engagement_rate', 'bounce_rate', 'pages_per_session',
                     'avg_session_duration', 'email_open_rate', 'email_open_rate_human', 'email_click_rate',
                     'email_click_to_open_rate', 'email_unsubscribe_rate', 'email_bounce_rate', 'list_growth')
),
kinds AS (
    SELECT *,
           CASE
               WHEN kpi_id IN ('impressions', 'ctr', 'cpc', 'cpm') THEN 'ads'
               WHEN kpi_id IN ('sessions', 'engagement_rate', 'bounce_rate', 'pages_per_session', 'avg_session_duration') THEN 'web'
               WHEN kpi_id = 'list_growth' THEN 'list'
               ELSE 'email'
           END AS kind
    FROM v
),
mailchimp AS (
    SELECT DISTINCT utm_name FROM dw.dim_campaign WHERE platform = 'mailchimp'
),
pivoted AS (
    SELECT grain, period_start, any_value(period_end) AS period_end, kind, segment AS campaign,
           bool_and(period_complete) AS period_complete,
           {{kpi_pivot: impressions, ctr.numerator AS link_clicks, cpc.numerator AS spend, ctr, cpc, cpm, sessions, engagement_rate, bounce_rate, pages_per_session, avg_session_duration, email_bounce_rate.denominator AS emails_sent, email_open_rate.denominator AS emails_delivered, email_open_rate, email_open_rate_human, email_click_rate, email_click_to_open_rate, email_unsubscribe_rate, email_bounce_rate, list_growth}}
    FROM kinds
    -- Email KPIs only for segments that are Mailchimp campaigns (their measures come only from Mailchimp sends).
    WHERE kind <> 'email' OR segment IN (SELECT utm_name FROM mailchimp)
    GROUP BY grain, period_start, kind, segment
)
SELECT
    grain, period_start, period_end, kind, campaign,
    s.reporting_currency                  AS currency,
    CAST(impressions AS BIGINT)           AS impressions,
    CAST(link_clicks AS BIGINT)           AS link_clicks,
    CAST(spend AS DOUBLE)                 AS spend,
    ctr, cpc, cpm,
    CAST(sessions AS BIGINT)              AS sessions,
    engagement_rate, bounce_rate, pages_per_session, avg_session_duration,
    CAST(emails_sent AS BIGINT)           AS emails_sent,
    CAST(emails_delivered AS BIGINT)      AS emails_delivered,
    email_open_rate, email_open_rate_human, email_click_rate, email_click_to_open_rate, email_unsubscribe_rate, email_bounce_rate,
    CAST(list_growth AS BIGINT)           AS list_growth,
    period_complete
FROM pivoted
CROSS JOIN dw.settings AS s;
