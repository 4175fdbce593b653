CREATE OR ALTER VIEW dw.kpi_target AS
SELECT t.kpi AS kpi_id, t.period_start, t.period_end, t.target, COALESCE(NULLIF(t.segment, ''), 'All') AS segment,
       CAST(CASE WHEN t.kpi IS NULL THEN NULL
                 WHEN t.kpi IN (SELECT kpi_id FROM mart.kpi_catalog) THEN 1 ELSE 0 END AS bit) AS kpi_known
FROM staging.files_kpi_targets AS t;
