-- Last outcome and freshness per stream and account: what `pipeline status` and monitoring read.
CREATE OR REPLACE VIEW etl.v_stream_status AS
WITH last_run AS (
    SELECT source, stream, account_id, status, started_at, finished_at, rows_written, error,
           row_number() OVER (PARTITION BY source, stream, account_id ORDER BY started_at DESC) AS rn
    FROM etl.sync_runs
),
last_success AS (
    SELECT source, stream, account_id, max(finished_at) AS last_success_at
    FROM etl.sync_runs
    WHERE status = 'Succeeded'
    GROUP BY source, stream, account_id
)
SELECT
    s.source,
    s.stream,
    s.account_id,
    s.cursor_value,
    ls.last_success_at,
    lr.status      AS last_status,
    lr.started_at  AS last_started_at,
    lr.error       AS last_error,
    date_diff('minute', ls.last_success_at, now()::TIMESTAMP) / 60.0 AS hours_since_success
FROM etl.sync_state s
LEFT JOIN last_run lr ON lr.source = s.source AND lr.stream = s.stream AND lr.account_id = s.account_id AND lr.rn = 1
LEFT JOIN last_success ls ON ls.source = s.source AND ls.stream = s.stream AND ls.account_id = s.account_id;
