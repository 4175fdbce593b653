CREATE VIEW dw.fact_email_campaign AS
SELECT
    r.campaign_id,
    r._account_id                                                    AS account_id,
    r.list_id,
    {{reporting_date(r.send_time)}} AS send_date,
    r.campaign_title,
    COALESCE(NULLIF(c.utm_campaign, ''), r.campaign_title)           AS campaign,
    COALESCE((SELECT channel FROM dw.channel_mapping WHERE platform = 'mailchimp' AND source_value = '*'), 'Email') AS channel,
    r.emails_sent,
    r.hard_bounces,
    r.soft_bounces,
    r.emails_sent - r.hard_bounces - r.soft_bounces                  AS delivered,
    r.unique_opens,
    r.proxy_excluded_unique_opens                                    AS human_unique_opens,
    r.opens_total,
    r.unique_subscriber_clicks,
    r.clicks_total,
    r.unsubscribed,
    r.abuse_reports,
    r.ecommerce_total_orders                                         AS orders,
    r.ecommerce_total_revenue                                        AS revenue,
    r.currency_code                                                  AS currency
FROM staging.mailchimp_campaign_reports AS r
CROSS JOIN dw.settings AS s
LEFT JOIN staging.mailchimp_campaigns AS c ON c.id = r.campaign_id AND c._account_id = r._account_id
WHERE r.send_time IS NOT NULL;
