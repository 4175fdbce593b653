CREATE VIEW dw.fact_lead AS
WITH contacts AS (
    SELECT c.id, c._account_id, c.lifecyclestage, c.createdate, NULLIF(c.associatedcompanyid, '') AS associatedcompanyid,
           c.hs_lifecyclestage_lead_date, c.hs_lifecyclestage_marketingqualifiedlead_date,
           c.hs_lifecyclestage_salesqualifiedlead_date, c.hs_lifecyclestage_opportunity_date, c.hs_lifecyclestage_customer_date,
           COALESCE(t.channel, 'Unassigned') AS channel, t.campaign
    FROM staging.hubspot_contacts AS c
    LEFT JOIN dw.crm_touch AS t ON t.object_type = 'contact' AND t.account_id = c._account_id AND t.object_id = c.id
    WHERE c.archived IS NULL OR {{is_false(c.archived)}}
),
stages AS (
    SELECT id, _account_id, associatedcompanyid, channel, campaign, 'lead' AS stage,
           COALESCE(hs_lifecyclestage_lead_date,
                    CASE WHEN lifecyclestage IN ('lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist')
                         THEN createdate END) AS entered_at
    FROM contacts
    UNION ALL SELECT id, _account_id, associatedcompanyid, channel, campaign, 'mql', hs_lifecyclestage_marketingqualifiedlead_date FROM contacts
    UNION ALL SELECT id, _account_id, associatedcompanyid, channel, campaign, 'sql', hs_lifecyclestage_salesqualifiedlead_date FROM contacts
    UNION ALL SELECT id, _account_id, associatedcompanyid, channel, campaign, 'opportunity', hs_lifecyclestage_opportunity_date FROM contacts
    UNION ALL SELECT id, _account_id, associatedcompanyid, channel, campaign, 'customer', hs_lifecyclestage_customer_date FROM contacts
)
SELECT st.id AS contact_id, st._account_id AS account_id, st.stage,
       {{reporting_date(st.entered_at)}} AS entered_date,
       st.channel, st.campaign,
       -- The customer the contact belongs to, keyed as dw.dim_customer keys customers: its company, else itself.
       COALESCE({{concat('company:', st.associatedcompanyid)}}, {{concat('contact:', st.id)}}) AS customer_key
FROM stages AS st
CROSS JOIN dw.settings AS s
WHERE st.entered_at IS NOT NULL;
