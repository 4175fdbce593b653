-- dw.kpi_measure_daily kept as a table: the KPI marts sum it over and over (kpi_measures, kpi_values, funnel,
-- target progress, the marketing dashboard, the refresh's CRM fingerprints), and as a view each of those reads
-- recomputed it from every staging row. Recomputed whole on each refresh, before the marts that read it: its
-- segment labels, cost scope and Google Ads accounts are decided over the whole history, so a day range of it is
-- not a function of those days alone.
CREATE VIEW mart.kpi_measure_daily AS
SELECT date, platform, channel, campaign, device, country, breakdown, measure, value
FROM dw.kpi_measure_daily;
