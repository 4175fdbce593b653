-- What keeps a KPI's day from being complete, one row per KPI × day × issue (T-SQL twin of the DuckDB view).
CREATE OR ALTER VIEW dw.kpi_coverage_issues AS
WITH terms AS (
    SELECT kpi_id, measure FROM dw.kpi_formula_terms
    UNION ALL
    SELECT kpi_id, measure FROM (VALUES ('users', 'total_users'), ('new_users', 'new_users'), ('channel_session_share', 'sessions')) AS f(kpi_id, measure)
),
needs AS (
    SELECT t.kpi_id, m.source, m.stream, MAX(CAST(m.is_money AS int)) AS is_money
    FROM terms AS t
    JOIN dw.measure_sources AS m ON m.measure = t.measure
    WHERE EXISTS (SELECT 1 FROM etl.sync_state AS s WHERE s.source = m.source AND s.stream = m.stream)
    GROUP BY t.kpi_id, m.source, m.stream
),
stream_days AS (
    SELECT source, stream, date, MIN(CAST(loaded AS int)) AS loaded,
           MAX(CASE WHEN finality = 'provisional' THEN 1 ELSE 0 END) AS provisional, SUM(open_deals) AS open_deals
    FROM dw.source_coverage
    GROUP BY source, stream, date
    HAVING MIN(CAST(loaded AS int)) = 0 OR MAX(CASE WHEN finality = 'provisional' THEN 1 ELSE 0 END) = 1
),
fx AS (
    SELECT source, date, currency FROM dw.fx_missing GROUP BY source, date, currency
)
SELECT n.kpi_id, c.date, CASE WHEN c.loaded = 0 THEN 'not loaded' ELSE 'provisional' END AS issue,
       CONCAT(n.source, ' ', n.stream) AS subject, CAST(CASE WHEN c.loaded = 1 THEN c.open_deals ELSE 0 END AS bigint) AS open_deals
FROM needs AS n
JOIN stream_days AS c ON c.source = n.source AND c.stream = n.stream
UNION ALL
SELECT DISTINCT n.kpi_id, f.date, 'no FX rate', f.currency, CAST(0 AS bigint)
FROM needs AS n
JOIN fx AS f ON f.source = n.source
WHERE n.is_money = 1;
