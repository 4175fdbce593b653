-- The marts are tables refreshed from their definitions (views in mart_def, the semantic layer's mart views),
-- see warehouse/Core/Marts/MartRefresher.cs. T-SQL twin of warehouse/DuckDb/Scripts/Versioned/0005_mart_tables.sql.
IF SCHEMA_ID(N'mart_def') IS NULL EXEC (N'CREATE SCHEMA mart_def AUTHORIZATION dbo');
GO

-- The loader refreshes the mart tables after its loads: it deletes and inserts their rows, and reads the definitions.
-- BI readers keep SELECT on mart only (0003_security_roles.sql); the definitions are not theirs to read.
GRANT INSERT, DELETE ON SCHEMA::mart TO pipeline_loader;
GRANT SELECT, ALTER, REFERENCES ON SCHEMA::mart_def TO pipeline_loader;
GO

-- Per mart table: the hash of the definition it was built from (a changed one is rebuilt by migrate), when it was
-- last refreshed, and the latest run-log time it has seen.
CREATE TABLE etl.mart_state (
    mart            nvarchar(128) NOT NULL,
    definition_hash nvarchar(64)  NOT NULL,
    refreshed_at    datetime2(6)  NOT NULL,
    watermark       datetime2(6)  NULL,
    CONSTRAINT pk_mart_state PRIMARY KEY CLUSTERED (mart)
);

-- The run log as the last refresh saw it: rows of etl.sync_runs not here (new or changed) are what happened since.
CREATE TABLE etl.mart_run_log (
    run_id      nvarchar(64)  NOT NULL,
    source      nvarchar(128) NOT NULL,
    stream      nvarchar(128) NOT NULL,
    account_id  nvarchar(128) NOT NULL,
    started_at  datetime2(6)  NOT NULL,
    finished_at datetime2(6)  NULL,
    status      nvarchar(16)  NOT NULL,
    window_from date          NULL,
    window_to   date          NULL
);

-- Per day, the fingerprint of the entity/snapshot-fed measures and FX rates at the last refresh: CRM rows can move
-- to any date, so the days they changed are found by comparing fingerprints, not from a window.
CREATE TABLE etl.mart_entity_days (
    date        date         NOT NULL,
    fingerprint nvarchar(40) NOT NULL,
    CONSTRAINT pk_mart_entity_days PRIMARY KEY CLUSTERED (date)
);
GO

EXEC etl.set_description @schema = N'etl', @object = N'mart_state', @text = N'Per mart table: the definition hash it was built from, when it was last refreshed, and the latest run-log time it had seen.';
EXEC etl.set_description @schema = N'etl', @object = N'mart_run_log', @text = N'The run log (etl.sync_runs) as the last mart refresh saw it; rows not here are what the next refresh recomputes.';
EXEC etl.set_description @schema = N'etl', @object = N'mart_entity_days', @text = N'Per day, a fingerprint of the CRM/email/cost-file measures and FX rates at the last mart refresh; a changed day is recomputed.';
