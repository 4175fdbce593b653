-- Coverage and finality per source × account × stream × day (days of dw.dim_date up to today in the reporting zone),
-- for the streams the KPI measures are read from (dw.measure_sources) that have ever been synced (etl.sync_state).
-- T-SQL twin of the DuckDB view; the rules are explained there and in SEMANTICS.md ("Coverage and finality").
CREATE OR ALTER VIEW dw.source_coverage AS
WITH today AS (
    SELECT {{reporting_date(SYSUTCDATETIME())}} AS today, s.crm_maturity_days FROM dw.settings AS s
),
streams AS (
    SELECT DISTINCT st.source, st.stream, st.account_id, c.kind, c.restatement_days
    FROM etl.sync_state AS st
    JOIN dw.stream_catalog AS c ON c.source = st.source AND c.stream = st.stream
    WHERE EXISTS (SELECT 1 FROM dw.measure_sources AS m WHERE m.source = st.source AND m.stream = st.stream)
),
data_start AS (
    SELECT st.source, st.stream, st.account_id, TRY_CAST(a.value AS date) AS data_start
    FROM streams AS st
    JOIN etl.alert_state AS a ON a.[key] = CONCAT('data_start:', st.source, ':', st.account_id)
),
last_success AS (
    SELECT r.source, r.stream, r.account_id, MAX(r.window_to) AS last_window_to,
           MAX({{reporting_date(r.finished_at)}}) AS last_success_day
    FROM etl.sync_runs AS r CROSS JOIN dw.settings AS s
    WHERE r.status = 'Succeeded'
    GROUP BY r.source, r.stream, r.account_id
),
window_days AS (
    SELECT DISTINCT r.source, r.stream, r.account_id, d.date
    FROM etl.sync_runs AS r
    JOIN dw.dim_date AS d ON d.date BETWEEN r.window_from AND r.window_to
    WHERE r.status = 'Succeeded' AND r.window_from IS NOT NULL
),
first_day AS (
    SELECT 'hubspot' AS source, 'contacts' AS stream, c._account_id AS account_id, MIN({{reporting_date(c.createdate)}}) AS first_day
    FROM staging.hubspot_contacts AS c CROSS JOIN dw.settings AS s GROUP BY c._account_id
    UNION ALL
    SELECT 'hubspot', 'deals', d._account_id, MIN({{reporting_date(d.createdate)}})
    FROM staging.hubspot_deals AS d CROSS JOIN dw.settings AS s GROUP BY d._account_id
    UNION ALL
    SELECT 'mailchimp', 'campaign_reports', account_id, MIN(send_date) FROM dw.fact_email_campaign GROUP BY account_id
    UNION ALL
    SELECT 'files', 'marketing_costs', _account_id, MIN(date) FROM staging.files_marketing_costs GROUP BY _account_id
    UNION ALL
    SELECT 'files', 'nps_responses', _account_id, MIN(date) FROM staging.files_nps_responses GROUP BY _account_id
),
open_deals AS (
    SELECT f.account_id, f.created_date AS date, COUNT_BIG(*) AS open_deals
    FROM dw.fact_deal AS f CROSS JOIN today AS t
    WHERE COALESCE(f.is_closed, 0) = 0 AND f.created_date > DATEADD(day, -t.crm_maturity_days, t.today)
    GROUP BY f.account_id, f.created_date
),
grid AS (
    SELECT st.source, st.account_id, st.stream, d.date, st.kind, st.restatement_days,
           ds.data_start, ls.last_window_to, ls.last_success_day, fd.first_day,
           CASE WHEN wd.date IS NOT NULL THEN 1 ELSE 0 END AS in_window,
           CASE WHEN st.source = 'hubspot' AND st.stream = 'deals' THEN od.open_deals END AS open_deals
    FROM streams AS st
    CROSS JOIN today AS t
    JOIN dw.dim_date AS d ON d.date <= t.today
    LEFT JOIN data_start AS ds ON ds.source = st.source AND ds.stream = st.stream AND ds.account_id = st.account_id
    LEFT JOIN last_success AS ls ON ls.source = st.source AND ls.stream = st.stream AND ls.account_id = st.account_id
    LEFT JOIN first_day AS fd ON fd.source = st.source AND fd.stream = st.stream AND fd.account_id = st.account_id
    LEFT JOIN window_days AS wd ON wd.source = st.source AND wd.stream = st.stream AND wd.account_id = st.account_id AND wd.date = d.date
    LEFT JOIN open_deals AS od ON od.account_id = st.account_id AND od.date = d.date
),
judged AS (
    SELECT g.*,
           CASE
               WHEN g.data_start IS NOT NULL AND g.date < g.data_start THEN 1
               WHEN g.kind = 'Report' THEN g.in_window
               WHEN g.last_success_day IS NOT NULL AND g.date <= g.last_success_day
                    AND (g.data_start IS NOT NULL OR g.first_day IS NULL OR g.date >= g.first_day) THEN 1
               ELSE 0
           END AS is_loaded,
           CASE WHEN g.date > DATEADD(day, -g.restatement_days, COALESCE(g.last_window_to, g.last_success_day))
                     AND NOT (g.data_start IS NOT NULL AND g.date < g.data_start) THEN 1 ELSE 0 END AS restating
    FROM grid AS g
)
SELECT source, account_id, stream, date,
       CAST(is_loaded AS bit) AS loaded,
       CASE WHEN is_loaded = 1 AND (restating = 1 OR open_deals > 0) THEN 'provisional' ELSE 'final' END AS finality,
       CASE
           WHEN is_loaded = 0 THEN 'not loaded'
           WHEN open_deals > 0 THEN CONCAT('provisional: ', open_deals, ' deals created on this day still open')
           WHEN restating = 1 THEN CONCAT('provisional: ', source, ' may restate its last ', restatement_days, ' days')
       END AS reason,
       COALESCE(open_deals, 0) AS open_deals
FROM judged;
