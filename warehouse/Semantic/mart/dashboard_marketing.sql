-- Marketing manager: per campaign (conformed UTM name) and week or month.
CREATE VIEW mart.dashboard_marketing AS
WITH kv AS (
    SELECT grain, period_start, period_end, segment, kpi_id, numerator, value, period_complete, coverage, covered_days, period_days, status, status_reason
    FROM mart.kpi_values
    WHERE grain IN ('week', 'month') AND segment_type = 'campaign'
      AND kpi_id IN ('impressions', 'ctr', 'cpc', 'leads', 'cpl', 'cpl_paid', 'ad_conversion_rate', 'roas', 'roas_platform', 'sessions', 'web_conversion_rate')
    -- A range refresh writes only the periods from its first period's start ending on or after its first day (both
    -- unset for every other reader): the rows read are cut to those here, since the refresh's filter cannot reach
    -- below the full join (bench world: 4.1M rows of mart.kpi_values scanned before).
      AND period_start >= {{refresh_from}} AND period_end >= {{refresh_first_day}}
),
-- Status of a campaign row: the worst of its KPIs (partial, then provisional), the lowest coverage, and every
-- distinct part of their reasons.
k AS (
    SELECT grain, period_start, MAX(period_end) AS period_end, segment AS campaign,
           {{all_true(period_complete)}}                                        AS period_complete,
           MIN(coverage) AS coverage, MIN(covered_days) AS covered_days, MAX(period_days) AS period_days,
           CASE MAX(CASE status WHEN 'partial' THEN 3 WHEN 'provisional' THEN 2 ELSE 1 END)
                WHEN 3 THEN 'partial' WHEN 2 THEN 'provisional' ELSE 'complete' END AS status,
           {{kpi_pivot: impressions, ctr.numerator AS link_clicks, ctr, cpc, leads, cpl, cpl_paid, ad_conversion_rate.numerator AS ad_conversions, ad_conversion_rate, roas_platform.numerator AS ad_conversion_value, roas_platform, roas, sessions, web_conversion_rate}}
    FROM kv
    GROUP BY grain, period_start, segment
),
reasons AS (
    SELECT grain, period_start, campaign, {{reason_list(part)}} AS status_reason
    FROM (
        SELECT DISTINCT v.grain, v.period_start, v.segment AS campaign, reason_parts.part
        FROM kv AS v
        {{join_reason_parts(v.status_reason)}}
        WHERE v.status_reason IS NOT NULL
    ) AS p
    GROUP BY grain, period_start, campaign
),
m AS (
    SELECT grain, period_start, MAX(period_end) AS period_end, segment AS campaign,
           {{measure_pivot: ad_spend AS spend, other_marketing_cost, ad_leads}}
    FROM mart.kpi_measures
    WHERE grain IN ('week', 'month') AND segment_type = 'campaign'
      AND measure IN ('ad_spend', 'other_marketing_cost', 'ad_leads')
      AND period_start >= {{refresh_from}} AND period_end >= {{refresh_first_day}}
    GROUP BY grain, period_start, segment
),
last_loaded AS (
    SELECT COALESCE(MAX(date), CAST('1900-01-01' AS DATE)) AS last_date FROM mart.kpi_measure_daily WHERE platform = 'ga4'
),
-- Distinct pairs first: T-SQL's STRING_AGG has no DISTINCT.
platforms AS (
    SELECT p.utm_name AS campaign, {{ordered_list(p.platform)}} AS platforms
    FROM (
        SELECT DISTINCT utm_name, platform
        FROM (
            SELECT utm_name, platform FROM dw.dim_campaign
            UNION ALL
            SELECT DISTINCT campaign, 'files' FROM dw.fact_marketing_cost WHERE platform = 'files' AND campaign IS NOT NULL
        ) AS named
        WHERE platform IS NOT NULL
    ) AS p
    GROUP BY p.utm_name
)
-- Counts are rounded before the cast to bigint: T-SQL truncates a decimal there where DuckDB rounds.
SELECT
    COALESCE(k.grain, m.grain)                                    AS grain,
    COALESCE(k.period_start, m.period_start)                      AS period_start,
    COALESCE(k.period_end, m.period_end)                          AS period_end,
    COALESCE(k.campaign, m.campaign)                              AS campaign,
    p.platforms,
    s.reporting_currency                                          AS currency,
    CAST(m.spend AS {{float}})                                      AS spend,
    CAST(m.other_marketing_cost AS {{float}})                       AS other_marketing_cost,
    CAST(ROUND(k.impressions, 0) AS bigint)                       AS impressions,
    CAST(ROUND(k.link_clicks, 0) AS bigint)                       AS link_clicks,
    k.ctr,
    k.cpc,
    CAST(ROUND(k.leads, 0) AS bigint)                             AS leads,
    k.cpl,
    k.cpl_paid,
    CAST(ROUND(m.ad_leads, 0) AS bigint)                          AS ad_leads,
    CAST(ROUND(k.ad_conversions, 0) AS bigint)                    AS ad_conversions,
    k.ad_conversion_rate,
    CAST(k.ad_conversion_value AS {{float}})                        AS ad_conversion_value,
    k.roas_platform,
    k.roas,
    CAST(ROUND(k.sessions, 0) AS bigint)                          AS sessions,
    k.web_conversion_rate,
    COALESCE(k.period_complete,
             {{flag(COALESCE(k.period_end, m.period_end) <= l.last_date)}}) AS period_complete,
    k.coverage,
    k.covered_days,
    k.period_days,
    k.status,
    r.status_reason
FROM k
FULL OUTER JOIN m ON m.grain = k.grain AND m.period_start = k.period_start AND m.campaign = k.campaign
LEFT JOIN reasons AS r ON r.grain = k.grain AND r.period_start = k.period_start AND r.campaign = k.campaign
LEFT JOIN platforms AS p ON p.campaign = COALESCE(k.campaign, m.campaign)
CROSS JOIN dw.settings AS s
CROSS JOIN last_loaded AS l;
