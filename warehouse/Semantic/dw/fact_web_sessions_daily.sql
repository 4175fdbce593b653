-- GA4 traffic by day and segment; revenue also in the reporting currency (dw.settings.reporting_currency, through dw.fx_daily).

CREATE VIEW dw.fact_web_sessions_daily AS
SELECT
    t.date,
    t._account_id                                                    AS account_id,
    COALESCE(m.channel, t.session_default_channel_group)             AS channel,
    t.session_source                                                 AS source,
    t.session_medium                                                 AS medium,
    CASE WHEN lower(trim(t.session_campaign_name)) IN ('(direct)', '(organic)', '(referral)', '(not set)', '(none)', '') THEN NULL
         ELSE t.session_campaign_name END                            AS campaign,
    COALESCE(dv.device, 'other')                                     AS device,
    t.country,
    t.sessions,
    t.engaged_sessions,
    t.screen_page_views,
    CAST(t.user_engagement_duration AS DECIMAL(38, 9))               AS engagement_seconds,
    CAST(t.key_events AS DECIMAL(38, 9))                             AS key_events,
    t.transactions,
    t.purchase_revenue,
    t.currency_code                                                  AS currency,
    t.purchase_revenue * fx.rate_to_reporting                        AS purchase_revenue_reporting,
    t.sampled,
    t.subject_to_thresholding
FROM staging.ga4_traffic_daily AS t
LEFT JOIN dw.channel_mapping AS m ON m.platform = 'ga4' AND lower(m.source_value) = lower({{concat(t.session_source, ' / ', t.session_medium)}})
LEFT JOIN dw.dim_device AS dv ON dv.platform = 'ga4' AND dv.platform_label = lower(t.device_category)
LEFT JOIN dw.fx_daily AS fx ON fx.date = t.date AND fx.currency = t.currency_code;
