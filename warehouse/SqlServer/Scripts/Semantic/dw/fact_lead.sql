CREATE OR ALTER VIEW dw.fact_lead AS
WITH contacts AS (
    SELECT c.id, c._account_id, c.lifecyclestage, c.createdate, c.hs_analytics_source_data_2,
           c.hs_lifecyclestage_lead_date, c.hs_lifecyclestage_marketingqualifiedlead_date,
           c.hs_lifecyclestage_salesqualifiedlead_date, c.hs_lifecyclestage_opportunity_date, c.hs_lifecyclestage_customer_date,
           s.reporting_time_zone_windows AS tz,
           COALESCE(m.channel, 'Unassigned') AS channel
    FROM staging.hubspot_contacts AS c
    CROSS JOIN dw.settings AS s
    LEFT JOIN dw.channel_mapping AS m ON m.platform = 'hubspot' AND LOWER(m.source_value) = LOWER(c.hs_analytics_source)
    WHERE COALESCE(c.archived, 0) = 0
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
       CAST((entered_at AT TIME ZONE 'UTC') AT TIME ZONE tz AS date) AS entered_date,
       channel, NULLIF(campaign, '') AS campaign
FROM stages
WHERE entered_at IS NOT NULL;
