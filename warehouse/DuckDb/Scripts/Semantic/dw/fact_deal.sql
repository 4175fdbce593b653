CREATE OR REPLACE VIEW dw.fact_deal AS
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
    COALESCE(m.channel, 'Unassigned')                                AS channel,
    COALESCE('company:' || json_extract_string(co.to_object_ids, '$[0]'),
             'contact:' || json_extract_string(ct.to_object_ids, '$[0]'),
             'deal:' || d.id)                                        AS customer_key
FROM staging.hubspot_deals AS d
CROSS JOIN dw.settings AS s
LEFT JOIN dw.channel_mapping AS m ON m.platform = 'hubspot' AND lower(m.source_value) = lower(d.hs_analytics_source)
LEFT JOIN staging.hubspot_deal_associations AS co ON co.deal_id = d.id AND co._account_id = d._account_id AND co.to_object_type = 'companies' AND co.association_count > 0
LEFT JOIN staging.hubspot_deal_associations AS ct ON ct.deal_id = d.id AND ct._account_id = d._account_id AND ct.to_object_type = 'contacts' AND ct.association_count > 0
LEFT JOIN dw.fx_daily AS fx
       ON fx.currency = COALESCE(d.deal_currency_code, s.reporting_currency)
      AND fx.date = CAST(timezone(s.reporting_time_zone, timezone('UTC', COALESCE(CASE WHEN d.hs_is_closed THEN d.closedate END, d.createdate))) AS DATE)
WHERE NOT COALESCE(d.archived, false);
