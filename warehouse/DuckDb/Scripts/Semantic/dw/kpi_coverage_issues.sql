-- What keeps a KPI's day from being complete, one row per KPI × day × issue: a stream its measures are read from
-- (dw.measure_sources, of those ever synced) not loaded or provisional on that day (any account), or, for KPIs with
-- money measures, money in a currency without any FX rate (dw.fx_missing) from one of those sources.
CREATE OR REPLACE VIEW dw.kpi_coverage_issues AS
WITH terms AS (
    SELECT kpi_id, measure FROM dw.kpi_formula_terms
    UNION ALL
    SELECT kpi_id, measure FROM (VALUES ('users', 'total_users'), ('new_users', 'new_users'), ('channel_session_share', 'sessions')) AS f(kpi_id, measure)
),
needs AS (
    SELECT t.kpi_id, m.source, m.stream, bool_or(m.is_money) AS is_money
    FROM terms AS t
    JOIN dw.measure_sources AS m ON m.measure = t.measure
    WHERE EXISTS (SELECT 1 FROM etl.sync_state AS s WHERE s.source = m.source AND s.stream = m.stream)
    GROUP BY t.kpi_id, m.source, m.stream
),
stream_days AS (
    SELECT source, stream, date, bool_and(loaded) AS loaded, bool_or(finality = 'provisional') AS provisional, sum(open_deals) AS open_deals
    FROM dw.source_coverage
    GROUP BY source, stream, date
    HAVING NOT bool_and(loaded) OR bool_or(finality = 'provisional')
),
fx AS (
    SELECT source, date, currency FROM dw.fx_missing GROUP BY source, date, currency
)
SELECT n.kpi_id, c.date, CASE WHEN NOT c.loaded THEN 'not loaded' ELSE 'provisional' END AS issue,
       n.source || ' ' || n.stream AS subject, CAST(CASE WHEN c.loaded THEN c.open_deals ELSE 0 END AS BIGINT) AS open_deals
FROM needs AS n
JOIN stream_days AS c ON c.source = n.source AND c.stream = n.stream
UNION ALL
SELECT DISTINCT n.kpi_id, f.date, 'no FX rate', f.currency, CAST(0 AS BIGINT)
FROM needs AS n
JOIN fx AS f ON f.source = n.source
WHERE n.is_money;
