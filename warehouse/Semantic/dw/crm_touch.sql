-- Where each HubSpot contact and company came from: its original source (HubSpot's first touch), the channel that
-- maps to, and the campaign. The campaign is read from a source drill-down only where HubSpot documents that
-- drill-down as the campaign (utm_campaign) for the source type: drill-down 1 for paid search and email
-- marketing, drill-down 2 for organic social. Elsewhere the drill-downs hold a search term, a URL, an ad id, an
-- app id or an integration name, so the campaign comes from the utm_campaign of the first page the contact saw
-- (a company: of its first contact with the same original source), else NULL. A value of digits only is an id,
-- never a campaign name.
CREATE VIEW dw.crm_touch AS
WITH first_contacts AS (
    SELECT co._account_id AS account_id, co.id AS company_id, c.hs_analytics_first_url AS first_url,
           ROW_NUMBER() OVER (PARTITION BY co._account_id, co.id ORDER BY c.createdate, c.id) AS nth
    FROM staging.hubspot_companies AS co
    JOIN staging.hubspot_contacts AS c
      ON c._account_id = co._account_id AND c.associatedcompanyid = co.id
     AND UPPER(c.hs_analytics_source) = UPPER(co.hs_analytics_source)
    WHERE c.archived IS NULL OR {{is_false(c.archived)}}
),
records AS (
    SELECT 'contact' AS object_type, c.id AS object_id, c._account_id AS account_id,
           c.hs_analytics_source AS original_source, c.hs_analytics_source_data_1 AS drill_down_1,
           c.hs_analytics_source_data_2 AS drill_down_2, c.hs_analytics_first_url AS first_url
    FROM staging.hubspot_contacts AS c
    WHERE c.archived IS NULL OR {{is_false(c.archived)}}
    UNION ALL
    SELECT 'company', co.id, co._account_id, co.hs_analytics_source, co.hs_analytics_source_data_1, co.hs_analytics_source_data_2, f.first_url
    FROM staging.hubspot_companies AS co
    LEFT JOIN first_contacts AS f ON f.account_id = co._account_id AND f.company_id = co.id AND f.nth = 1
    WHERE co.archived IS NULL OR {{is_false(co.archived)}}
),
candidates AS (
    SELECT r.object_type, r.object_id, r.account_id, r.original_source,
           NULLIF(TRIM(CASE WHEN UPPER(r.original_source) IN ('PAID_SEARCH', 'EMAIL_MARKETING') THEN r.drill_down_1
                            WHEN UPPER(r.original_source) = 'SOCIAL_MEDIA' THEN r.drill_down_2 END), '') AS drill_down_campaign,
           TRIM({{url_param(r.first_url, utm_campaign)}}) AS utm_campaign
    FROM records AS r
),
named AS (
    SELECT c.object_type, c.object_id, c.account_id, c.original_source,
           CASE WHEN TRIM(TRANSLATE(c.drill_down_campaign, '0123456789', '          ')) <> '' THEN c.drill_down_campaign END AS drill_down_campaign,
           CASE WHEN TRIM(TRANSLATE(c.utm_campaign, '0123456789', '          ')) <> '' THEN c.utm_campaign END AS utm_campaign
    FROM candidates AS c
)
SELECT
    n.account_id,
    n.object_type,
    n.object_id,
    n.original_source,
    CASE WHEN n.original_source IS NOT NULL THEN COALESCE(m.channel, 'Unassigned') END AS channel,
    COALESCE(n.drill_down_campaign, n.utm_campaign)                                   AS campaign,
    CASE WHEN n.drill_down_campaign IS NOT NULL THEN 'drill_down'
         WHEN n.utm_campaign IS NOT NULL THEN 'utm' END                               AS campaign_from
FROM named AS n
LEFT JOIN dw.channel_mapping AS m ON m.platform = 'hubspot' AND LOWER(m.source_value) = LOWER(n.original_source);
