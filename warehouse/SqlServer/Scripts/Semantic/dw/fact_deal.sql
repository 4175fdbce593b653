-- channel and campaign follow dw.settings.attribution_model (Reporting:Attribution), so revenue, won deals, deals
-- created, new customers, LTV and CAC all count a deal under one rule:
--   first_touch (default): the customer's acquisition touch, the original source of the customer record
--     (dw.crm_touch: the company, else the first associated contact, else the deal's own source);
--   deal_source: the deal's own original source (hs_analytics_source of the deal), campaign from its first
--     contact when that contact has the same source.
CREATE OR ALTER VIEW dw.fact_deal AS
WITH deals AS (
    SELECT
        d.*,
        JSON_VALUE(co.to_object_ids, '$[0]')                         AS company_id,
        JSON_VALUE(ct.to_object_ids, '$[0]')                         AS contact_id,
        COALESCE(m.channel, 'Unassigned')                            AS own_channel
    FROM staging.hubspot_deals AS d
    LEFT JOIN dw.channel_mapping AS m ON m.platform = 'hubspot' AND LOWER(m.source_value) = LOWER(d.hs_analytics_source)
    LEFT JOIN staging.hubspot_deal_associations AS co ON co.deal_id = d.id AND co._account_id = d._account_id AND co.to_object_type = 'companies' AND co.association_count > 0
    LEFT JOIN staging.hubspot_deal_associations AS ct ON ct.deal_id = d.id AND ct._account_id = d._account_id AND ct.to_object_type = 'contacts' AND ct.association_count > 0
    WHERE COALESCE(d.archived, 0) = 0
)
SELECT
    d.id                                                             AS deal_id,
    d._account_id                                                    AS account_id,
    d.pipeline,
    d.dealstage,
    CAST((d.createdate AT TIME ZONE 'UTC') AT TIME ZONE s.reporting_time_zone_windows AS date) AS created_date,
    CASE WHEN d.hs_is_closed = 1 THEN CAST((d.closedate AT TIME ZONE 'UTC') AT TIME ZONE s.reporting_time_zone_windows AS date) END AS closed_date,
    CAST(COALESCE(d.hs_is_closed, 0) AS bit)                         AS is_closed,
    CAST(COALESCE(d.hs_is_closed_won, 0) AS bit)                     AS is_won,
    COALESCE(d.amount, 0)                                            AS amount,
    COALESCE(d.deal_currency_code, s.reporting_currency)             AS currency,
    COALESCE(d.amount, 0) * fx.rate_to_reporting                     AS amount_reporting,
    CASE WHEN s.attribution_model = 'deal_source' THEN d.own_channel
         ELSE COALESCE(tco.channel, tct.channel, d.own_channel) END  AS channel,
    CASE WHEN s.attribution_model = 'deal_source' THEN CASE WHEN UPPER(tct.original_source) = UPPER(d.hs_analytics_source) THEN tct.campaign END
         WHEN tco.channel IS NOT NULL THEN tco.campaign
         WHEN tct.channel IS NOT NULL THEN tct.campaign END          AS campaign,
    d.own_channel                                                    AS deal_source_channel,
    COALESCE('company:' + d.company_id, 'contact:' + d.contact_id, 'deal:' + d.id) AS customer_key
FROM deals AS d
CROSS JOIN dw.settings AS s
LEFT JOIN dw.crm_touch AS tco ON tco.object_type = 'company' AND tco.account_id = d._account_id AND tco.object_id = d.company_id
LEFT JOIN dw.crm_touch AS tct ON tct.object_type = 'contact' AND tct.account_id = d._account_id AND tct.object_id = d.contact_id
LEFT JOIN dw.fx_daily AS fx
       ON fx.currency = COALESCE(d.deal_currency_code, s.reporting_currency)
      AND fx.date = CAST((COALESCE(CASE WHEN d.hs_is_closed = 1 THEN d.closedate END, d.createdate) AT TIME ZONE 'UTC')
                         AT TIME ZONE s.reporting_time_zone_windows AS date);
