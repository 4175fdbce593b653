-- dw.kpi_measure_daily kept as a table: the KPI marts sum it over and over (kpi_measures, kpi_values, funnel,
-- target progress, the marketing dashboard), and as a view each of those reads recomputed it from every staging
-- row. Refreshed by day: what a day's rows depend on beyond that day (segment labels, cost scope, Google Ads
-- accounts over the whole history) is mart.kpi_measure_context, and when that changes every mart is recomputed.
CREATE VIEW mart.kpi_measure_daily AS
SELECT date, platform, channel, campaign, device, country, breakdown, measure, value
FROM dw.kpi_measure_daily;
