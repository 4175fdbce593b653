-- Per KPI × day (dw.dim_date up to today in the reporting zone): covered when every stream the KPI's measures are
-- read from (of those ever synced) was loaded and its money had FX rates; provisional when one of them may still
-- restate the day. Small (KPIs × days), so the marts aggregate it per period cheaply.
CREATE OR REPLACE VIEW dw.kpi_coverage_daily AS
WITH kpis AS (
    SELECT DISTINCT kpi_id FROM dw.kpi_formula_terms
    UNION SELECT kpi_id FROM (VALUES ('users'), ('new_users'), ('channel_session_share')) AS f(kpi_id)
),
days AS (
    SELECT d.date FROM dw.dim_date AS d CROSS JOIN dw.settings AS s WHERE d.date <= {{reporting_date(now())}}
),
issues AS (
    SELECT kpi_id, date, bool_or(issue <> 'provisional') AS gap, bool_or(issue = 'provisional') AS provisional
    FROM dw.kpi_coverage_issues
    GROUP BY kpi_id, date
)
SELECT k.kpi_id, d.date,
       NOT COALESCE(i.gap, false) AS covered,
       COALESCE(i.provisional, false) AND NOT COALESCE(i.gap, false) AS provisional
FROM kpis AS k
CROSS JOIN days AS d
LEFT JOIN issues AS i ON i.kpi_id = k.kpi_id AND i.date = d.date;
