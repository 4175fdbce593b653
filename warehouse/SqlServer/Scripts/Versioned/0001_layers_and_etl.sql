-- The four layers every engine has, and the tables that make loads exactly-once. T-SQL twin of
-- warehouse/DuckDb/Scripts/Versioned/0001_layers_and_etl.sql. Every schema belongs to dbo, so views in dw and mart
-- read staging through one ownership chain and BI readers need no rights on staging.
IF SCHEMA_ID(N'etl') IS NULL EXEC (N'CREATE SCHEMA etl AUTHORIZATION dbo');
IF SCHEMA_ID(N'staging') IS NULL EXEC (N'CREATE SCHEMA staging AUTHORIZATION dbo');
IF SCHEMA_ID(N'dw') IS NULL EXEC (N'CREATE SCHEMA dw AUTHORIZATION dbo');
IF SCHEMA_ID(N'mart') IS NULL EXEC (N'CREATE SCHEMA mart AUTHORIZATION dbo');
GO

-- Where each stream of each account stands. Written in the same transaction as the rows it describes.
CREATE TABLE etl.sync_state (
    source       nvarchar(128)  NOT NULL,
    stream       nvarchar(128)  NOT NULL,
    account_id   nvarchar(128)  NOT NULL,
    cursor_value nvarchar(4000) NULL,
    updated_at   datetime2(6)   NOT NULL,
    run_id       nvarchar(64)   NOT NULL,
    CONSTRAINT pk_sync_state PRIMARY KEY CLUSTERED (source, stream, account_id)
);

-- One row per run × stream × account × window: what was read, written, rejected, and how it ended.
CREATE TABLE etl.sync_runs (
    id            bigint IDENTITY(1, 1) NOT NULL,
    run_id        nvarchar(64)   NOT NULL,
    source        nvarchar(128)  NOT NULL,
    stream        nvarchar(128)  NOT NULL,
    account_id    nvarchar(128)  NOT NULL,
    started_at    datetime2(6)   NOT NULL,
    finished_at   datetime2(6)   NULL,
    status        nvarchar(16)   NOT NULL,
    rows_read     bigint         NOT NULL CONSTRAINT df_sync_runs_rows_read DEFAULT 0,
    rows_written  bigint         NOT NULL CONSTRAINT df_sync_runs_rows_written DEFAULT 0,
    rows_rejected bigint         NOT NULL CONSTRAINT df_sync_runs_rows_rejected DEFAULT 0,
    api_calls     bigint         NOT NULL CONSTRAINT df_sync_runs_api_calls DEFAULT 0,
    window_from   date           NULL,
    window_to     date           NULL,
    error         nvarchar(max)  NULL,
    CONSTRAINT pk_sync_runs PRIMARY KEY CLUSTERED (id)
);
-- RunFinished finds its row by run, stream, account and window; status reads the latest run per stream.
CREATE INDEX ix_sync_runs_run ON etl.sync_runs (run_id, source, stream, account_id, window_from);
CREATE INDEX ix_sync_runs_stream ON etl.sync_runs (source, stream, account_id, started_at) INCLUDE (status, finished_at);

-- Records kept out of staging, with the reason and the raw payload, so they can be inspected and replayed.
CREATE TABLE etl.rejected_records (
    id          bigint IDENTITY(1, 1) NOT NULL,
    run_id      nvarchar(64)    NOT NULL,
    source      nvarchar(128)   NOT NULL,
    stream      nvarchar(128)   NOT NULL,
    account_id  nvarchar(128)   NOT NULL,
    rejected_at datetime2(6)    NOT NULL,
    reason      nvarchar(4000)  NOT NULL,
    payload     nvarchar(max)   NULL,
    CONSTRAINT pk_rejected_records PRIMARY KEY CLUSTERED (id)
);
CREATE INDEX ix_rejected_records_stream ON etl.rejected_records (source, stream, account_id, rejected_at);
GO

-- Adds or updates the MS_Description of a view, table, function or one of its columns: what SSMS, Power BI and
-- Metabase show as the description. Scripts call it where DuckDB's say COMMENT ON.
CREATE OR ALTER PROCEDURE etl.set_description
    @schema sysname,
    @object sysname,
    @column sysname = NULL,
    @text   nvarchar(4000)
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @object_id int = OBJECT_ID(QUOTENAME(@schema) + N'.' + QUOTENAME(@object));
    DECLARE @type varchar(16) =
        (SELECT CASE o.type WHEN 'V' THEN 'VIEW' WHEN 'U' THEN 'TABLE' WHEN 'P' THEN 'PROCEDURE'
                            WHEN 'IF' THEN 'FUNCTION' WHEN 'TF' THEN 'FUNCTION' WHEN 'FN' THEN 'FUNCTION' END
         FROM sys.objects AS o WHERE o.object_id = @object_id);
    DECLARE @message nvarchar(2048);
    IF @type IS NULL
    BEGIN
        SET @message = CONCAT(N'etl.set_description: no view, table or function ', QUOTENAME(@schema), N'.', QUOTENAME(@object));
        THROW 50001, @message, 1;
    END;

    DECLARE @minor_id int = 0;
    IF @column IS NOT NULL
    BEGIN
        SET @minor_id = COLUMNPROPERTY(@object_id, @column, 'ColumnId');
        IF @minor_id IS NULL
        BEGIN
            SET @message = CONCAT(N'etl.set_description: ', QUOTENAME(@schema), N'.', QUOTENAME(@object), N' has no column ', QUOTENAME(@column));
            THROW 50002, @message, 1;
        END;
    END;

    IF EXISTS (SELECT 1 FROM sys.extended_properties
               WHERE class = 1 AND major_id = @object_id AND minor_id = @minor_id AND name = N'MS_Description')
    BEGIN
        IF @column IS NULL
            EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = @text,
                 @level0type = N'SCHEMA', @level0name = @schema, @level1type = @type, @level1name = @object;
        ELSE
            EXEC sys.sp_updateextendedproperty @name = N'MS_Description', @value = @text,
                 @level0type = N'SCHEMA', @level0name = @schema, @level1type = @type, @level1name = @object,
                 @level2type = N'COLUMN', @level2name = @column;
    END
    ELSE
    BEGIN
        IF @column IS NULL
            EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = @text,
                 @level0type = N'SCHEMA', @level0name = @schema, @level1type = @type, @level1name = @object;
        ELSE
            EXEC sys.sp_addextendedproperty @name = N'MS_Description', @value = @text,
                 @level0type = N'SCHEMA', @level0name = @schema, @level1type = @type, @level1name = @object,
                 @level2type = N'COLUMN', @level2name = @column;
    END;
END;
GO

EXEC etl.set_description @schema = N'etl', @object = N'sync_state', @text = N'Where each stream of each account stands: its cursor, committed in the same transaction as the rows.';
EXEC etl.set_description @schema = N'etl', @object = N'sync_runs', @text = N'One row per run × stream × account × window: rows read, written and rejected, API calls, status and error.';
EXEC etl.set_description @schema = N'etl', @object = N'rejected_records', @text = N'Records kept out of staging, with the reason and the raw payload, so they can be inspected and replayed.';
