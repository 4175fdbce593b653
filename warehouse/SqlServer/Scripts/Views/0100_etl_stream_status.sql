-- Last outcome and freshness per stream and account: what `pipeline status` and monitoring read.
-- T-SQL twin of warehouse/DuckDb/Scripts/Views/0100_etl_stream_status.sql (times are UTC).
CREATE OR ALTER VIEW etl.v_stream_status AS
WITH last_run AS (
    SELECT source, stream, account_id, status, started_at, finished_at, rows_written, error,
           ROW_NUMBER() OVER (PARTITION BY source, stream, account_id ORDER BY started_at DESC) AS rn
    FROM etl.sync_runs
),
last_success AS (
    SELECT source, stream, account_id, MAX(finished_at) AS last_success_at
    FROM etl.sync_runs
    WHERE status = N'Succeeded'
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
    DATEDIFF(minute, ls.last_success_at, SYSUTCDATETIME()) / 60.0 AS hours_since_success
FROM etl.sync_state AS s
LEFT JOIN last_run AS lr ON lr.source = s.source AND lr.stream = s.stream AND lr.account_id = s.account_id AND lr.rn = 1
LEFT JOIN last_success AS ls ON ls.source = s.source AND ls.stream = s.stream AND ls.account_id = s.account_id;
GO
EXEC etl.set_description @schema = N'etl', @object = N'v_stream_status', @text = N'Last outcome and freshness per stream and account (UTC): what pipeline status and monitoring read.';
GO
-- BI tools read freshness too (the Metabase guide's question F1): this one etl view, not the etl schema. Here, not
-- in the roles script, because the view must exist first; GRANT is idempotent and survives CREATE OR ALTER.
GRANT SELECT ON etl.v_stream_status TO pipeline_bi_reader;
