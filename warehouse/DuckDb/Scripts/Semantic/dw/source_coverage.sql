-- Coverage and finality per source × account × stream × day (days of dw.dim_date up to today in the reporting zone),
-- for the streams the KPI measures are read from (dw.measure_sources) that have ever been synced (etl.sync_state).
--   loaded      report streams: the day lies inside a succeeded window of etl.sync_runs; entity and snapshot
--               streams (whole history each run): from the first data day (the account's data start when the platform
--               states it, else the stream's first row) to the day of the last successful run. Days before the
--               account's data start (etl.alert_state 'data_start:<source>:<account>') count as loaded: nothing to load.
--   finality    provisional while the platform may still restate the day: the stream's last restatement days
--               (dw.stream_catalog: GA4 lookback, Meta 28 days, Mailchimp campaign reports 30 days), and CRM days with
--               deals created on them that are still open within Reporting:CrmMaturityDays; else final.
CREATE OR REPLACE VIEW dw.source_coverage AS
WITH today AS (
    SELECT {{reporting_date(now())}} AS today, s.crm_maturity_days FROM dw.settings AS s
),
streams AS (
    SELECT DISTINCT st.source, st.stream, st.account_id, c.kind, c.restatement_days
    FROM etl.sync_state AS st
    JOIN dw.stream_catalog AS c ON c.source = st.source AND c.stream = st.stream
    WHERE EXISTS (SELECT 1 FROM dw.measure_sources AS m WHERE m.source = st.source AND m.stream = st.stream)
),
data_start AS (
    SELECT st.source, st.stream, st.account_id, TRY_CAST(a.value AS DATE) AS data_start
    FROM streams AS st
    JOIN etl.alert_state AS a ON a.key = 'data_start:' || st.source || ':' || st.account_id
),
last_success AS (
    SELECT r.source, r.stream, r.account_id, max(r.window_to) AS last_window_to,
           max({{reporting_date(r.finished_at)}}) AS last_success_day
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
-- Entity and snapshot streams: the first day they hold data, per account.
first_day AS (
    SELECT 'hubspot' AS source, 'contacts' AS stream, _account_id AS account_id,
           min(CAST(timezone(s.reporting_time_zone, timezone('UTC', createdate)) AS DATE)) AS first_day
    FROM staging.hubspot_contacts CROSS JOIN dw.settings AS s GROUP BY _account_id
    UNION ALL
    SELECT 'hubspot', 'deals', _account_id, min(CAST(timezone(s.reporting_time_zone, timezone('UTC', createdate)) AS DATE))
    FROM staging.hubspot_deals CROSS JOIN dw.settings AS s GROUP BY _account_id
    UNION ALL
    SELECT 'mailchimp', 'campaign_reports', account_id, min(send_date) FROM dw.fact_email_campaign GROUP BY account_id
    UNION ALL
    SELECT 'files', 'marketing_costs', _account_id, min(date) FROM staging.files_marketing_costs GROUP BY _account_id
    UNION ALL
    SELECT 'files', 'nps_responses', _account_id, min(date) FROM staging.files_nps_responses GROUP BY _account_id
),
open_deals AS (
    SELECT f.account_id, f.created_date AS date, count(*) AS open_deals
    FROM dw.fact_deal AS f CROSS JOIN today AS t
    WHERE NOT COALESCE(f.is_closed, false) AND f.created_date > t.today - t.crm_maturity_days
    GROUP BY f.account_id, f.created_date
),
grid AS (
    SELECT st.source, st.account_id, st.stream, d.date, st.kind, st.restatement_days,
           ds.data_start, ls.last_window_to, ls.last_success_day, fd.first_day, wd.date IS NOT NULL AS in_window,
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
    SELECT *,
           CASE
               WHEN data_start IS NOT NULL AND date < data_start THEN true
               WHEN kind = 'Report' THEN in_window
               ELSE date <= COALESCE(last_success_day, date - 1) AND (data_start IS NOT NULL OR date >= COALESCE(first_day, date))
           END AS loaded,
           date > COALESCE(last_window_to, last_success_day) - restatement_days AND NOT (data_start IS NOT NULL AND date < data_start) AS restating
    FROM grid
)
SELECT source, account_id, stream, date,
       loaded,
       CASE WHEN loaded AND (restating OR open_deals > 0) THEN 'provisional' ELSE 'final' END AS finality,
       CASE
           WHEN NOT loaded THEN 'not loaded'
           WHEN open_deals > 0 THEN 'provisional: ' || CAST(open_deals AS VARCHAR) || ' deals created on this day still open'
           WHEN restating THEN 'provisional: ' || source || ' may restate its last ' || CAST(restatement_days AS VARCHAR) || ' days'
       END AS reason,
       COALESCE(open_deals, 0) AS open_deals
FROM judged;
