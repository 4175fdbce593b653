-- dw.kpi_coverage_issues kept as a table, refreshed by day (see mart.kpi_coverage_daily): the reasons kpi_target_progress
-- gives for a period that is not complete.
CREATE VIEW mart.kpi_coverage_issues AS
SELECT kpi_id, date, issue, subject, open_deals
FROM dw.kpi_coverage_issues;
