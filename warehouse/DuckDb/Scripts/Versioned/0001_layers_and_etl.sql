-- The four layers every engine has, and the tables that make loads exactly-once.
CREATE SCHEMA IF NOT EXISTS etl;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS dw;
CREATE SCHEMA IF NOT EXISTS mart;

-- Where each stream of each account stands. Written in the same transaction as the rows it describes.
CREATE TABLE etl.sync_state (
    source       VARCHAR   NOT NULL,
    stream       VARCHAR   NOT NULL,
    account_id   VARCHAR   NOT NULL,
    cursor_value VARCHAR,
    updated_at   TIMESTAMP NOT NULL,
    run_id       VARCHAR   NOT NULL,
    PRIMARY KEY (source, stream, account_id)
);

-- One row per run × stream × account × window: what was read, written, rejected, and how it ended.
CREATE TABLE etl.sync_runs (
    run_id        VARCHAR   NOT NULL,
    source        VARCHAR   NOT NULL,
    stream        VARCHAR   NOT NULL,
    account_id    VARCHAR   NOT NULL,
    started_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    status        VARCHAR   NOT NULL,
    rows_read     BIGINT    NOT NULL DEFAULT 0,
    rows_written  BIGINT    NOT NULL DEFAULT 0,
    rows_rejected BIGINT    NOT NULL DEFAULT 0,
    api_calls     BIGINT    NOT NULL DEFAULT 0,
    window_from   DATE,
    window_to     DATE,
    error         VARCHAR
);

CREATE SEQUENCE etl.rejected_records_id;

-- Records kept out of staging, with the reason and the raw payload, so they can be inspected and replayed.
CREATE TABLE etl.rejected_records (
    id          BIGINT    NOT NULL DEFAULT nextval('etl.rejected_records_id'),
    run_id      VARCHAR   NOT NULL,
    source      VARCHAR   NOT NULL,
    stream      VARCHAR   NOT NULL,
    account_id  VARCHAR   NOT NULL,
    rejected_at TIMESTAMP NOT NULL,
    reason      VARCHAR   NOT NULL,
    payload     VARCHAR
);
