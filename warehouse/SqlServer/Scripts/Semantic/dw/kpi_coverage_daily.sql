-- Per KPI × day up to today: covered and provisional (T-SQL twin of the DuckDB view).
CREATE OR ALTER VIEW dw.kpi_coverage_daily AS
WITH kpis AS (
    SELECT DISTINCT kpi_id FROM dw.kpi_formula_terms
    UNION SELECT kpi_id FROM (VALUES ('users'), ('new_users'), ('channel_session_share')) AS f(kpi_id)
),
days AS (
    SELECT d.date FROM dw.dim_date AS d CROSS JOIN dw.settings AS s WHERE d.date <= {{reporting_date(SYSUTCDATETIME())}}
),
issues AS (
    SELECT kpi_id, date, MAX(CASE WHEN issue <> 'provisional' THEN 1 ELSE 0 END) AS gap,
           MAX(CASE WHEN issue = 'provisional' THEN 1 ELSE 0 END) AS provisional
    FROM dw.kpi_coverage_issues
    GROUP BY kpi_id, date
)
SELECT k.kpi_id, d.date,
       CAST(CASE WHEN COALESCE(i.gap, 0) = 0 THEN 1 ELSE 0 END AS bit) AS covered,
       CAST(CASE WHEN COALESCE(i.provisional, 0) = 1 AND COALESCE(i.gap, 0) = 0 THEN 1 ELSE 0 END AS bit) AS provisional
FROM kpis AS k
CROSS JOIN days AS d
LEFT JOIN issues AS i ON i.kpi_id = k.kpi_id AND i.date = d.date;
