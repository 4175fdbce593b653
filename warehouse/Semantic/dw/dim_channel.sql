CREATE VIEW dw.dim_channel AS
WITH names AS (
    SELECT channel FROM dw.channel_mapping
    UNION SELECT session_default_channel_group FROM staging.ga4_traffic_daily
    UNION SELECT channel FROM (VALUES ('Direct'), ('Organic Search'), ('Paid Search'), ('Organic Social'), ('Paid Social'),
        ('Email'), ('Referral'), ('Display'), ('Affiliates'), ('Organic Video'), ('Paid Video'), ('Paid Shopping'),
        ('Organic Shopping'), ('Cross-network'), ('Audio'), ('SMS'), ('Mobile Push Notifications'), ('Paid Other'),
        ('Offline'), ('Other'), ('Unassigned')) AS d(channel)
)
SELECT
    channel,
    {{flag(channel IN ('Paid Search', 'Paid Social', 'Display', 'Paid Video', 'Paid Shopping', 'Paid Other', 'Cross-network', 'Affiliates', 'Audio'))}} AS is_paid,
    CASE
        WHEN channel IN ('Paid Search', 'Paid Social', 'Display', 'Paid Video', 'Paid Shopping', 'Paid Other', 'Cross-network', 'Affiliates', 'Audio') THEN 'Paid'
        WHEN channel IN ('Email', 'SMS', 'Mobile Push Notifications') THEN 'Owned'
        WHEN channel IN ('Organic Search', 'Organic Social', 'Organic Video', 'Organic Shopping', 'Referral', 'Direct') THEN 'Earned'
        ELSE 'Other'
    END AS channel_kind
FROM names
WHERE channel IS NOT NULL;
