-- The marts are tables refreshed from their definitions (views in mart_def, the semantic layer's mart views),
-- see warehouse/Core/Marts/MartRefresher.cs. What the refresh remembers between runs, all written in its transaction:
CREATE SCHEMA IF NOT EXISTS mart_def;

-- Per mart table: the hash of the definition it was built from (a changed one is rebuilt by migrate), when it was
-- last refreshed, and the latest run-log time it has seen.
CREATE TABLE etl.mart_state (
    mart            VARCHAR   NOT NULL PRIMARY KEY,
    definition_hash VARCHAR   NOT NULL,
    refreshed_at    TIMESTAMP NOT NULL,
    watermark       TIMESTAMP
);

-- The run log as the last refresh saw it: rows of etl.sync_runs not here (new or changed) are what happened since.
CREATE TABLE etl.mart_run_log (
    run_id      VARCHAR   NOT NULL,
    source      VARCHAR   NOT NULL,
    stream      VARCHAR   NOT NULL,
    account_id  VARCHAR   NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status      VARCHAR   NOT NULL,
    window_from DATE,
    window_to   DATE
);

-- Per day, the fingerprint of the entity/snapshot-fed measures and FX rates at the last refresh: CRM rows can move
-- to any date, so the days they changed are found by comparing fingerprints, not from a window.
CREATE TABLE etl.mart_entity_days (
    date        DATE    NOT NULL PRIMARY KEY,
    fingerprint VARCHAR NOT NULL
);
