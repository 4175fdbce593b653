-- channel and campaign follow dw.settings.attribution_model (Reporting:Attribution), so revenue, won deals, deals
-- created, new customers, LTV and CAC all count a deal under one rule:
--   first_touch (default): the customer's acquisition touch, the original source of the customer record
--     (dw.crm_touch: the company, else the first associated contact, else the deal's own source);
--   deal_source: the deal's own original source (hs_analytics_source of the deal), campaign from its first
--     contact when that contact has the same source.
CREATE OR REPLACE VIEW dw.fact_deal AS
WITH deals AS (
    SELECT
        d.*,
        json_extract_string(co.to_object_ids, '$[0]')                AS company_id,
        json_extract_string(ct.to_object_ids, '$[0]')                AS contact_id,
        COALESCE(m.channel, 'Unassigned')                            AS own_channel
    FROM staging.hubspot_deals AS d
    LEFT JOIN dw.channel_mapping AS m ON m.platform = 'hubspot' AND lower(m.source_value) = lower(d.hs_analytics_source)
    LEFT JOIN staging.hubspot_deal_associations AS co ON co.deal_id = d.id AND co._account_id = d._account_id AND co.to_object_type = 'companies' AND co.association_count > 0
    LEFT JOIN staging.hubspot_deal_associations AS ct ON ct.deal_id = d.id AND ct._account_id = d._account_id AND ct.to_object_type = 'contacts' AND ct.association_count > 0
    WHERE NOT COALESCE(d.archived, false)
)
SELECT
    d.id                                                             AS deal_id,
    d._account_id                                                    AS account_id,
    d.pipeline,
    d.dealstage,
    CAST(timezone(s.reporting_time_zone, timezone('UTC', d.createdate)) AS DATE) AS created_date,
    CASE WHEN d.hs_is_closed THEN CAST(timezone(s.reporting_time_zone, timezone('UTC', d.closedate)) AS DATE) END AS closed_date,
    COALESCE(d.hs_is_closed, false)                                  AS is_closed,
    COALESCE(d.hs_is_closed_won, false)                              AS is_won,
    COALESCE(d.amount, 0)                                            AS amount,
    COALESCE(d.deal_currency_code, s.reporting_currency)             AS currency,
    COALESCE(d.amount, 0) * fx.rate_to_reporting                     AS amount_reporting,
    CASE WHEN s.attribution_model = 'deal_source' THEN d.own_channel
         ELSE COALESCE(tco.channel, tct.channel, d.own_channel) END  AS channel,
    CASE WHEN s.attribution_model = 'deal_source' THEN CASE WHEN upper(tct.original_source) = upper(d.hs_analytics_source) THEN tct.campaign END
         WHEN tco.channel IS NOT NULL THEN tco.campaign
         WHEN tct.channel IS NOT NULL THEN tct.campaign END          AS campaign,
    d.own_channel                                                    AS deal_source_channel,
    COALESCE('company:' || d.company_id, 'contact:' || d.contact_id, 'deal:' || d.id) AS customer_key
FROM deals AS d
CROSS JOIN dw.settings AS s
LEFT JOIN dw.crm_touch AS tco ON tco.object_type = 'company' AND tco.account_id = d._account_id AND tco.object_id = d.company_id
LEFT JOIN dw.crm_touch AS tct ON tct.object_type = 'contact' AND tct.account_id = d._account_id AND tct.object_id = d.contact_id
LEFT JOIN dw.fx_daily AS fx
       ON fx.currency = COALESCE(d.deal_currency_code, s.reporting_currency)
      AND fx.date = CAST(timezone(s.reporting_time_zone, timezone('UTC', COALESCE(CASE WHEN d.hs_is_closed THEN d.closedate END, d.createdate))) AS DATE);
