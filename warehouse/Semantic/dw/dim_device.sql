CREATE VIEW dw.dim_device AS
SELECT d.platform_label, d.platform, d.device
FROM (VALUES
    ('desktop', 'ga4', 'desktop'), ('mobile', 'ga4', 'mobile'), ('tablet', 'ga4', 'tablet'), ('smart tv', 'ga4', 'other'),
    ('desktop', 'meta', 'desktop'), ('mobile_app', 'meta', 'mobile'), ('mobile_web', 'meta', 'mobile'), ('unknown', 'meta', 'other')
) AS d(platform_label, platform, device);
