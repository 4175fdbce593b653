CREATE VIEW dw.fact_lead AS
WITH contacts AS (
    SELECT c.id, c._account_id, c.lifecyclestage, c.createdate, c.hs_analytics_source_data_2,
           c.hs_lifecyclestage_lead_date, c.hs_lifecyclestage_marketingqualifiedlead_date,
           c.hs_lifecyclestage_salesqualifiedlead_date, c.hs_lifecyclestage_opportunity_date, c.hs_lifecyclestage_customer_date,
           COALESCE(m.channel, 'Unassigned') AS channel
    FROM staging.hubspot_contacts AS c
    LEFT JOIN dw.channel_mapping AS m ON m.platform = 'hubspot' AND lower(m.source_value) = lower(c.hs_analytics_source)
    WHERE c.archived IS NULL OR {{is_false(c.archived)}}
),
stages AS (
    SELECT id, _account_id, channel, hs_analytics_source_data_2 AS campaign, 'lead' AS stage,
           COALESCE(hs_lifecyclestage_lead_date,
                    CASE WHEN lifecyclestage IN ('lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist')
                         THEN createdate END) AS entered_at
    FROM contacts
    UNION ALL SELECT id, _account_id, channel, hs_analytics_source_data_2, 'mql', hs_lifecyclestage_marketingqualifiedlead_date FROM contacts
    UNION ALL SELECT id, _account_id, channel, hs_analytics_source_data_2, 'sql', hs_lifecyclestage_salesqualifiedlead_date FROM contacts
    UNION ALL SELECT id, _account_id, channel, hs_analytics_source_data_2, 'opportunity', hs_lifecyclestage_opportunity_date FROM contacts
    UNION ALL SELECT id, _account_id, channel, hs_analytics_source_data_2, 'customer', hs_lifecyclestage_customer_date FROM contacts
)
SELECT st.id AS contact_id, st._account_id AS account_id, st.stage,
       {{reporting_date(st.entered_at)}} AS entered_date,
       st.channel, NULLIF(st.campaign, '') AS campaign
FROM stages AS st
CROSS JOIN dw.settings AS s
WHERE st.entered_at IS NOT NULL;
