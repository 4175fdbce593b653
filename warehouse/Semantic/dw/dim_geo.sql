CREATE VIEW dw.dim_geo AS
WITH seen AS (
    SELECT DISTINCT country AS label FROM staging.ga4_traffic_daily
    UNION SELECT DISTINCT country FROM staging.meta_insights_daily_by_country
)
SELECT cc.iso2 AS country_code, cc.name AS country, cc.region FROM dw.country_codes AS cc
UNION ALL
SELECT NULL, s.label, 'Other' FROM seen AS s
WHERE s.label IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM dw.country_codes AS cc WHERE cc.name = s.label OR cc.iso2 = s.label);
