-- dw.kpi_coverage_daily kept as a table: kpi_target_progress and kpi_anomalies read it (kpi_values reads the view,
-- see there), and as a view each read recomputed it from the run log and every source's coverage. A day's coverage
-- depends on that day's loads and the clock only, so it is refreshed by day like the marts that read it.
CREATE VIEW mart.kpi_coverage_daily AS
SELECT kpi_id, date, covered, provisional
FROM dw.kpi_coverage_daily;
