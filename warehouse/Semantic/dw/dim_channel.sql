CREATE VIEW dw.dim_channel AS
WITH names AS (
    SELECT channel FROM dw.channel_mapping
    UNION SELECT session_default_channel_group FROM staging.ga4_traffic_daily
    UNION SELECT channel FROM (VALUES ('Direct'), ('Organic Search'), ('Paid Search'), ('Organic Social'), ('Paid Social'),
        ('Email'), ('Referral'), ('Display'), ('Affiliates'), ('Organic Video'), ('Paid Video'), ('Paid Shopping'),
        ('Organic Shopping'), ('Cross-network'), ('Audio'), ('SMS'), ('Mobile Push Notifications'), ('Paid Other'),
        ('Offline'), ('Other'), ('Unassigned')) AS d(channel)
),
-- Cost scope (SEMANTICS.md): a channel has a cost source when any cost row (ad spend, cost files) books to it;
-- revenue is attributable to it when a CRM source value maps to it or a deal or lead already carries it.
traits AS (
    SELECT channel,
           CASE WHEN channel IN ('Paid Search', 'Paid Social', 'Display', 'Paid Video', 'Paid Shopping', 'Paid Other', 'Cross-network', 'Affiliates', 'Audio') THEN 1 ELSE 0 END AS paid,
           CASE WHEN channel IN (SELECT c.channel FROM dw.fact_marketing_cost AS c WHERE c.channel IS NOT NULL) THEN 1 ELSE 0 END AS costed,
           CASE WHEN channel IN (SELECT m.channel FROM dw.channel_mapping AS m WHERE m.platform IN ('hubspot', 'pipedrive') AND m.channel IS NOT NULL)
                  OR channel IN (SELECT d.channel FROM dw.fact_deal AS d WHERE d.channel IS NOT NULL)
                  OR channel IN (SELECT l.channel FROM dw.fact_lead AS l WHERE l.channel IS NOT NULL) THEN 1 ELSE 0 END AS attributable
    FROM names
    WHERE channel IS NOT NULL
)
SELECT
    channel,
    {{flag(paid = 1)}} AS is_paid,
    CASE
        WHEN paid = 1 THEN 'Paid'
        WHEN channel IN ('Email', 'SMS', 'Mobile Push Notifications') THEN 'Owned'
        WHEN channel IN ('Organic Search', 'Organic Social', 'Organic Video', 'Organic Shopping', 'Referral', 'Direct') THEN 'Earned'
        ELSE 'Other'
    END AS channel_kind,
    {{flag(costed = 1)}} AS has_cost_source,
    {{flag(attributable = 1)}} AS revenue_attributable,
    -- Why ROI, ROAS, CAC and CPL of this channel are NULL (never −100 % or infinite), read by the KPI marts.
    CASE WHEN costed = 0 AND paid = 1 THEN {{concat('cost unknown: no cost source for ', channel)}}
         WHEN costed = 0 THEN {{concat('no cost source for ', channel)}}
         WHEN attributable = 0 THEN {{concat('no revenue attributable to ', channel, ': no CRM source maps to it')}}
    END AS cost_scope_note
FROM traits;
