CREATE VIEW dw.kpi_target AS
SELECT t.kpi AS kpi_id, t.period_start, t.period_end, t.target, COALESCE(NULLIF(t.segment, ''), 'All') AS segment,
       {{flag(t.kpi IN (SELECT kpi_id FROM mart.kpi_catalog))}} AS kpi_known
FROM staging.files_kpi_targets AS t;
