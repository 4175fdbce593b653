-- Channel specialist: one row per kind of activity, so each row only carries the columns that apply to it.
--   ads    a Meta or Google Ads campaign's delivery (impressions, CTR, CPC, CPM);
--   web    GA4 sessions of a campaign (engagement);
--   email  a Mailchimp campaign, dated by its send day;
--   list   the whole mailing list's growth (segment All).
-- A campaign can have several rows in a period (e.g. ads and web). Reach and frequency are not summable and are
-- not here: they are in mart.ad_reach_daily (one ad, one day).
CREATE VIEW mart.dashboard_specialist AS
WITH v AS (
    SELECT grain, period_start, period_end, segment_type, segment, kpi_id, numerator, denominator, value, period_complete,
           coverage, covered_days, period_days, status, status_reason
    FROM mart.kpi_values
    WHERE grain IN ('week', 'month')
      AND (segment_type = 'campaign' OR (segment_type = 'all' AND kpi_id = 'list_growth'))
      AND kpi_id IN ('impressions', 'ctr', 'cpc', 'cpm', 'sessions', 'engagement_rate', 'bounce_rate', 'pages_per_session',
                     'avg_session_duration', 'email_open_rate', 'email_open_rate_human', 'email_click_rate',
                     'email_click_to_open_rate', 'email_unsubscribe_rate', 'email_bounce_rate', 'list_growth')
    -- A range refresh writes only the periods from its first period's start ending on or after its first day (both
    -- unset for every other reader): the rows read are cut to those here, below the rows shown twice.
      AND period_start >= {{refresh_from}} AND period_end >= {{refresh_first_day}}
),
kinds AS (
    SELECT grain, period_start, period_end, segment_type, segment, kpi_id, numerator, denominator, value, period_complete,
           coverage, covered_days, period_days, status, status_reason,
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
-- Rows kept: email KPIs only for segments that are Mailchimp campaigns (their measures come only from Mailchimp sends).
shown AS (
    SELECT * FROM kinds WHERE kind <> 'email' OR segment IN (SELECT utm_name FROM mailchimp)
),
-- Status of a row: the worst of its KPIs (partial, then provisional), the lowest coverage, every distinct reason part.
reasons AS (
    SELECT grain, period_start, kind, campaign, {{reason_list(part)}} AS status_reason
    FROM (
        SELECT DISTINCT v.grain, v.period_start, v.kind, v.segment AS campaign, reason_parts.part
        FROM shown AS v
        {{join_reason_parts(v.status_reason)}}
        WHERE v.status_reason IS NOT NULL
    ) AS p
    GROUP BY grain, period_start, kind, campaign
),
pivoted AS (
    SELECT grain, period_start, MAX(period_end) AS period_end, kind, segment AS campaign,
           {{all_true(period_complete)}}                                           AS period_complete,
           MIN(coverage) AS coverage, MIN(covered_days) AS covered_days, MAX(period_days) AS period_days,
           CASE MAX(CASE status WHEN 'partial' THEN 3 WHEN 'provisional' THEN 2 ELSE 1 END)
                WHEN 3 THEN 'partial' WHEN 2 THEN 'provisional' ELSE 'complete' END AS status,
           {{kpi_pivot: impressions, ctr.numerator AS link_clicks, cpc.numerator AS spend, ctr, cpc, cpm, sessions, engagement_rate, bounce_rate, pages_per_session, avg_session_duration, email_bounce_rate.denominator AS emails_sent, email_open_rate.denominator AS emails_delivered, email_open_rate, email_open_rate_human, email_click_rate, email_click_to_open_rate, email_unsubscribe_rate, email_bounce_rate, list_growth}}
    FROM shown
    GROUP BY grain, period_start, kind, segment
)
-- Counts are rounded before the cast to bigint: T-SQL truncates a decimal there where DuckDB rounds.
SELECT
    pv.grain, pv.period_start, pv.period_end, pv.kind, pv.campaign,
    s.reporting_currency                            AS currency,
    CAST(ROUND(pv.impressions, 0) AS bigint)        AS impressions,
    CAST(ROUND(pv.link_clicks, 0) AS bigint)        AS link_clicks,
    CAST(pv.spend AS {{float}})                     AS spend,
    pv.ctr, pv.cpc, pv.cpm,
    CAST(ROUND(pv.sessions, 0) AS bigint)           AS sessions,
    pv.engagement_rate, pv.bounce_rate, pv.pages_per_session, pv.avg_session_duration,
    CAST(ROUND(pv.emails_sent, 0) AS bigint)        AS emails_sent,
    CAST(ROUND(pv.emails_delivered, 0) AS bigint)   AS emails_delivered,
    pv.email_open_rate, pv.email_open_rate_human, pv.email_click_rate, pv.email_click_to_open_rate, pv.email_unsubscribe_rate, pv.email_bounce_rate,
    CAST(ROUND(pv.list_growth, 0) AS bigint)        AS list_growth,
    pv.period_complete,
    pv.coverage,
    pv.covered_days,
    pv.period_days,
    pv.status,
    r.status_reason
FROM pivoted AS pv
LEFT JOIN reasons AS r ON r.grain = pv.grain AND r.period_start = pv.period_start AND r.kind = pv.kind AND r.campaign = pv.campaign
CROSS JOIN dw.settings AS s;
