CREATE OR REPLACE VIEW dw.fact_lead AS
WITH contacts AS (
    SELECT c.*, s.reporting_time_zone AS tz,
           COALESCE(m.channel, 'Unassigned') AS channel
    FROM staging.hubspot_contacts AS c
    CROSS JOIN dw.settings AS s
    LEFT JOIN dw.channel_mapping AS m ON m.platform = 'hubspot' AND lower(m.source_value) = lower(c.hs_analytics_source)
    WHERE NOT COALESCE(c.archived, false)
),
stages AS (
    SELECT id, _account_id, channel, hs_analytics_source_data_2 AS campaign, tz, 'lead' AS stage,
           COALESCE(hs_lifecyclestage_lead_date,
                    CASE WHEN lifecyclestage IN ('lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist')
                         THEN createdate END) AS entered_at
    FROM contacts
    UNION ALL SELECT id, _account_id, channel, hs_analytics_source_data_2, tz, 'mql', hs_lifecyclestage_marketingqualifiedlead_date FROM contacts
    UNION ALL SELECT id, _account_id, channel, hs_analytics_source_data_2, tz, 'sql', hs_lifecyclestage_salesqualifiedlead_date FROM contacts
    UNION ALL SELECT id, _account_id, channel, hs_analytics_source_data_2, tz, 'opportunity', hs_lifecyclestage_opportunity_date FROM contacts
    UNION ALL SELECT id, _account_id, channel, hs_analytics_source_data_2, tz, 'customer', hs_lifecyclestage_customer_date FROM contacts
)
SELECT id AS contact_id, _account_id AS account_id, stage,
       CAST(timezone(tz, timezone('UTC', entered_at)) AS DATE) AS entered_date,
       channel, NULLIF(campaign, '') AS campaign
FROM stages
WHERE entered_at IS NOT NULL;
