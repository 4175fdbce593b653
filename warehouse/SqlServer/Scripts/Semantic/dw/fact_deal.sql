CREATE OR ALTER VIEW dw.fact_deal AS
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
    COALESCE(m.channel, 'Unassigned')                                AS channel,
    COALESCE('company:' + JSON_VALUE(co.to_object_ids, '$[0]'),
             'contact:' + JSON_VALUE(ct.to_object_ids, '$[0]'),
             'deal:' + d.id)                                         AS customer_key
FROM staging.hubspot_deals AS d
CROSS JOIN dw.settings AS s
LEFT JOIN dw.channel_mapping AS m ON m.platform = 'hubspot' AND LOWER(m.source_value) = LOWER(d.hs_analytics_source)
LEFT JOIN staging.hubspot_deal_associations AS co ON co.deal_id = d.id AND co._account_id = d._account_id AND co.to_object_type = 'companies' AND co.association_count > 0
LEFT JOIN staging.hubspot_deal_associations AS ct ON ct.deal_id = d.id AND ct._account_id = d._account_id AND ct.to_object_type = 'contacts' AND ct.association_count > 0
LEFT JOIN dw.fx_daily AS fx
       ON fx.currency = COALESCE(d.deal_currency_code, s.reporting_currency)
      AND fx.date = CAST((COALESCE(CASE WHEN d.hs_is_closed = 1 THEN d.closedate END, d.createdate) AT TIME ZONE 'UTC')
                         AT TIME ZONE s.reporting_time_zone_windows AS date)
WHERE COALESCE(d.archived, 0) = 0;
