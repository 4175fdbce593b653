-- Quartz.NET 4.x ADO.NET job store, for `pipeline schedule` with Schedule:Clustered = true: several scheduler nodes
-- share one schedule through these tables, and each job runs on one node at a time. The tables live in their own
-- schema `quartz`, so the scheduler is configured with quartz.jobStore.tablePrefix = quartz.QRTZ_ (the default of
-- Schedule:TablePrefix). Columns, keys and indexes follow the SQL Server schema of Quartz.NET 4.7 (the one its
-- database/tables/tables_sqlServer.sql creates and its store validates at startup); names keep Quartz's QRTZ_
-- spelling so its documentation and database/migrations scripts apply with the prefix above. Each table is created
-- only if missing, so a schema a DBA provisioned by hand beforehand is kept.
IF SCHEMA_ID(N'quartz') IS NULL EXEC (N'CREATE SCHEMA quartz AUTHORIZATION dbo');
GO

IF OBJECT_ID(N'quartz.QRTZ_JOB_DETAILS', N'U') IS NULL
CREATE TABLE quartz.QRTZ_JOB_DETAILS (
    SCHED_NAME        nvarchar(120)  NOT NULL,
    JOB_NAME          nvarchar(150)  NOT NULL,
    JOB_GROUP         nvarchar(150)  NOT NULL,
    DESCRIPTION       nvarchar(250)  NULL,
    JOB_CLASS_NAME    nvarchar(250)  NOT NULL,
    IS_DURABLE        bit            NOT NULL,
    IS_NONCONCURRENT  bit            NOT NULL,
    IS_UPDATE_DATA    bit            NOT NULL,
    REQUESTS_RECOVERY bit            NOT NULL,
    JOB_DATA          varbinary(max) NULL,
    CONSTRAINT PK_QRTZ_JOB_DETAILS PRIMARY KEY (SCHED_NAME, JOB_NAME, JOB_GROUP)
);
GO

IF OBJECT_ID(N'quartz.QRTZ_TRIGGERS', N'U') IS NULL
CREATE TABLE quartz.QRTZ_TRIGGERS (
    SCHED_NAME              nvarchar(120)  NOT NULL,
    TRIGGER_NAME            nvarchar(150)  NOT NULL,
    TRIGGER_GROUP           nvarchar(150)  NOT NULL,
    JOB_NAME                nvarchar(150)  NOT NULL,
    JOB_GROUP               nvarchar(150)  NOT NULL,
    DESCRIPTION             nvarchar(250)  NULL,
    NEXT_FIRE_TIME          bigint         NULL,
    PREV_FIRE_TIME          bigint         NULL,
    PRIORITY                int            NULL,
    TRIGGER_STATE           nvarchar(16)   NOT NULL,
    TRIGGER_TYPE            nvarchar(8)    NOT NULL,
    START_TIME              bigint         NOT NULL,
    END_TIME                bigint         NULL,
    CALENDAR_NAME           nvarchar(200)  NULL,
    MISFIRE_INSTR           int            NULL,
    MISFIRE_ORIG_FIRE_TIME  bigint         NULL,
    EXECUTION_GROUP         nvarchar(200)  NULL,
    PREFERRED_NODE          nvarchar(200)  NULL,
    PREFERRED_NODE_AUTO     bit            NOT NULL CONSTRAINT DF_QRTZ_TRIGGERS_PREFERRED_NODE_AUTO DEFAULT 0,
    RETRY_POLICY            nvarchar(250)  NULL,
    RETRY_ATTEMPT           int            NULL,
    CONTINUES_TRIGGER_NAME  nvarchar(150)  NULL,
    CONTINUES_TRIGGER_GROUP nvarchar(150)  NULL,
    CONTINUATION_CONDITION  int            NULL,
    OVERLAP_POLICY          int            NULL,
    PAUSE_REASON            nvarchar(250)  NULL,
    PAUSED_BY               nvarchar(200)  NULL,
    PAUSED_AT               bigint         NULL,
    MISFIRE_THRESHOLD       bigint         NULL,
    FIXED_DELAY             bit            NULL,
    JOB_DATA                varbinary(max) NULL,
    CONSTRAINT PK_QRTZ_TRIGGERS PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
    CONSTRAINT FK_QRTZ_TRIGGERS_QRTZ_JOB_DETAILS FOREIGN KEY (SCHED_NAME, JOB_NAME, JOB_GROUP)
        REFERENCES quartz.QRTZ_JOB_DETAILS (SCHED_NAME, JOB_NAME, JOB_GROUP)
);
GO

-- One row per trigger type beside its QRTZ_TRIGGERS row; deleting the trigger deletes it.
IF OBJECT_ID(N'quartz.QRTZ_SIMPLE_TRIGGERS', N'U') IS NULL
CREATE TABLE quartz.QRTZ_SIMPLE_TRIGGERS (
    SCHED_NAME      nvarchar(120) NOT NULL,
    TRIGGER_NAME    nvarchar(150) NOT NULL,
    TRIGGER_GROUP   nvarchar(150) NOT NULL,
    REPEAT_COUNT    int           NOT NULL,
    REPEAT_INTERVAL bigint        NOT NULL,
    TIMES_TRIGGERED int           NOT NULL,
    CONSTRAINT PK_QRTZ_SIMPLE_TRIGGERS PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
    CONSTRAINT FK_QRTZ_SIMPLE_TRIGGERS_QRTZ_TRIGGERS FOREIGN KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP)
        REFERENCES quartz.QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE
);
GO

IF OBJECT_ID(N'quartz.QRTZ_CRON_TRIGGERS', N'U') IS NULL
CREATE TABLE quartz.QRTZ_CRON_TRIGGERS (
    SCHED_NAME      nvarchar(120) NOT NULL,
    TRIGGER_NAME    nvarchar(150) NOT NULL,
    TRIGGER_GROUP   nvarchar(150) NOT NULL,
    CRON_EXPRESSION nvarchar(120) NOT NULL,
    TIME_ZONE_ID    nvarchar(80)  NULL,
    CONSTRAINT PK_QRTZ_CRON_TRIGGERS PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
    CONSTRAINT FK_QRTZ_CRON_TRIGGERS_QRTZ_TRIGGERS FOREIGN KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP)
        REFERENCES quartz.QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE
);
GO

IF OBJECT_ID(N'quartz.QRTZ_SIMPROP_TRIGGERS', N'U') IS NULL
CREATE TABLE quartz.QRTZ_SIMPROP_TRIGGERS (
    SCHED_NAME    nvarchar(120)  NOT NULL,
    TRIGGER_NAME  nvarchar(150)  NOT NULL,
    TRIGGER_GROUP nvarchar(150)  NOT NULL,
    STR_PROP_1    nvarchar(512)  NULL,
    STR_PROP_2    nvarchar(512)  NULL,
    STR_PROP_3    nvarchar(512)  NULL,
    INT_PROP_1    int            NULL,
    INT_PROP_2    int            NULL,
    LONG_PROP_1   bigint         NULL,
    LONG_PROP_2   bigint         NULL,
    DEC_PROP_1    numeric(13, 4) NULL,
    DEC_PROP_2    numeric(13, 4) NULL,
    BOOL_PROP_1   bit            NULL,
    BOOL_PROP_2   bit            NULL,
    TIME_ZONE_ID  nvarchar(80)   NULL,
    CONSTRAINT PK_QRTZ_SIMPROP_TRIGGERS PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP),
    CONSTRAINT FK_QRTZ_SIMPROP_TRIGGERS_QRTZ_TRIGGERS FOREIGN KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP)
        REFERENCES quartz.QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP) ON DELETE CASCADE
);
GO

IF OBJECT_ID(N'quartz.QRTZ_BLOB_TRIGGERS', N'U') IS NULL
CREATE TABLE quartz.QRTZ_BLOB_TRIGGERS (
    SCHED_NAME    nvarchar(120)  NOT NULL,
    TRIGGER_NAME  nvarchar(150)  NOT NULL,
    TRIGGER_GROUP nvarchar(150)  NOT NULL,
    BLOB_DATA     varbinary(max) NULL,
    CONSTRAINT PK_QRTZ_BLOB_TRIGGERS PRIMARY KEY (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP)
);
GO

IF OBJECT_ID(N'quartz.QRTZ_CALENDARS', N'U') IS NULL
CREATE TABLE quartz.QRTZ_CALENDARS (
    SCHED_NAME    nvarchar(120)  NOT NULL,
    CALENDAR_NAME nvarchar(200)  NOT NULL,
    CALENDAR      varbinary(max) NOT NULL,
    CONSTRAINT PK_QRTZ_CALENDARS PRIMARY KEY (SCHED_NAME, CALENDAR_NAME)
);
GO

IF OBJECT_ID(N'quartz.QRTZ_PAUSED_TRIGGER_GRPS', N'U') IS NULL
CREATE TABLE quartz.QRTZ_PAUSED_TRIGGER_GRPS (
    SCHED_NAME    nvarchar(120) NOT NULL,
    TRIGGER_GROUP nvarchar(150) NOT NULL,
    PAUSE_REASON  nvarchar(250) NULL,
    PAUSED_BY     nvarchar(200) NULL,
    PAUSED_AT     bigint        NULL,
    CONSTRAINT PK_QRTZ_PAUSED_TRIGGER_GRPS PRIMARY KEY (SCHED_NAME, TRIGGER_GROUP)
);
GO

IF OBJECT_ID(N'quartz.QRTZ_PAUSED_JOB_GRPS', N'U') IS NULL
CREATE TABLE quartz.QRTZ_PAUSED_JOB_GRPS (
    SCHED_NAME   nvarchar(120) NOT NULL,
    JOB_GROUP    nvarchar(150) NOT NULL,
    PAUSE_REASON nvarchar(250) NULL,
    PAUSED_BY    nvarchar(200) NULL,
    PAUSED_AT    bigint        NULL,
    CONSTRAINT PK_QRTZ_PAUSED_JOB_GRPS PRIMARY KEY (SCHED_NAME, JOB_GROUP)
);
GO

-- Firings under way, by node: what cluster recovery hands to another node when one dies mid-job.
IF OBJECT_ID(N'quartz.QRTZ_FIRED_TRIGGERS', N'U') IS NULL
CREATE TABLE quartz.QRTZ_FIRED_TRIGGERS (
    SCHED_NAME               nvarchar(120) NOT NULL,
    ENTRY_ID                 nvarchar(140) NOT NULL,
    TRIGGER_NAME             nvarchar(150) NOT NULL,
    TRIGGER_GROUP            nvarchar(150) NOT NULL,
    INSTANCE_NAME            nvarchar(200) NOT NULL,
    FIRED_TIME               bigint        NOT NULL,
    SCHED_TIME               bigint        NOT NULL,
    PRIORITY                 int           NOT NULL,
    STATE                    nvarchar(16)  NOT NULL,
    JOB_NAME                 nvarchar(150) NULL,
    JOB_GROUP                nvarchar(150) NULL,
    IS_NONCONCURRENT         bit           NULL,
    REQUESTS_RECOVERY        bit           NULL,
    EXECUTION_GROUP          nvarchar(200) NULL,
    PROGRESS                 int           NULL,
    PROGRESS_MESSAGE         nvarchar(250) NULL,
    INTERRUPT_REQUESTED_TIME bigint        NULL,
    CONSTRAINT PK_QRTZ_FIRED_TRIGGERS PRIMARY KEY (SCHED_NAME, ENTRY_ID)
);
GO

-- Each node's check-in: a node silent for longer than the check-in interval plus threshold is presumed dead.
IF OBJECT_ID(N'quartz.QRTZ_SCHEDULER_STATE', N'U') IS NULL
CREATE TABLE quartz.QRTZ_SCHEDULER_STATE (
    SCHED_NAME        nvarchar(120) NOT NULL,
    INSTANCE_NAME     nvarchar(200) NOT NULL,
    LAST_CHECKIN_TIME bigint        NOT NULL,
    CHECKIN_INTERVAL  bigint        NOT NULL,
    QUARTZ_VERSION    nvarchar(20)  NULL,
    CONSTRAINT PK_QRTZ_SCHEDULER_STATE PRIMARY KEY (SCHED_NAME, INSTANCE_NAME)
);
GO

-- The row locks (TRIGGER_ACCESS, STATE_ACCESS) the nodes take so only one of them acquires a trigger.
IF OBJECT_ID(N'quartz.QRTZ_LOCKS', N'U') IS NULL
CREATE TABLE quartz.QRTZ_LOCKS (
    SCHED_NAME nvarchar(120) NOT NULL,
    LOCK_NAME  nvarchar(40)  NOT NULL,
    CONSTRAINT PK_QRTZ_LOCKS PRIMARY KEY (SCHED_NAME, LOCK_NAME)
);
GO

-- Optional in Quartz (read and written only with UseExecutionHistory); created so Quartz's own validation of a full
-- 4.x schema passes whichever features a later configuration turns on.
IF OBJECT_ID(N'quartz.QRTZ_EXECUTION_HISTORY', N'U') IS NULL
CREATE TABLE quartz.QRTZ_EXECUTION_HISTORY (
    SCHED_NAME          nvarchar(120)  NOT NULL,
    ENTRY_ID            nvarchar(140)  NOT NULL,
    INSTANCE_NAME       nvarchar(200)  NOT NULL,
    JOB_NAME            nvarchar(150)  NOT NULL,
    JOB_GROUP           nvarchar(150)  NOT NULL,
    TRIGGER_NAME        nvarchar(150)  NOT NULL,
    TRIGGER_GROUP       nvarchar(150)  NOT NULL,
    FIRED_TIME          bigint         NOT NULL,
    RUN_TIME            bigint         NOT NULL,
    SUCCEEDED           bit            NOT NULL,
    ERROR_MESSAGE       nvarchar(1000) NULL,
    RETRY_ATTEMPT       int            NOT NULL CONSTRAINT DF_QRTZ_EXECUTION_HISTORY_RETRY_ATTEMPT DEFAULT 0,
    RETRY_SCHEDULED     bit            NOT NULL CONSTRAINT DF_QRTZ_EXECUTION_HISTORY_RETRY_SCHEDULED DEFAULT 0,
    EXECUTION_LOG       nvarchar(max)  NULL,
    RESULT              int            NULL,
    SUMMARY             nvarchar(1000) NULL,
    METRICS             nvarchar(max)  NULL,
    MANUAL              bit            NULL,
    FIRE_INSTANCE_ID    nvarchar(140)  NULL,
    JOB_INPUT           nvarchar(max)  NULL,
    JOB_INPUT_TOO_LARGE bit            NULL,
    CONSTRAINT PK_QRTZ_EXECUTION_HISTORY PRIMARY KEY (SCHED_NAME, ENTRY_ID)
);
GO

IF OBJECT_ID(N'quartz.QRTZ_MISFIRE_HISTORY', N'U') IS NULL
CREATE TABLE quartz.QRTZ_MISFIRE_HISTORY (
    SCHED_NAME    nvarchar(120) NOT NULL,
    ENTRY_ID      nvarchar(140) NOT NULL,
    INSTANCE_NAME nvarchar(200) NOT NULL,
    TRIGGER_NAME  nvarchar(150) NOT NULL,
    TRIGGER_GROUP nvarchar(150) NOT NULL,
    JOB_NAME      nvarchar(150) NULL,
    JOB_GROUP     nvarchar(150) NULL,
    MISFIRE_TIME  bigint        NOT NULL,
    SCHED_TIME    bigint        NULL,
    REASON        int           NULL,
    CONSTRAINT PK_QRTZ_MISFIRE_HISTORY PRIMARY KEY (SCHED_NAME, ENTRY_ID)
);
GO

IF OBJECT_ID(N'quartz.QRTZ_JOB_STATUS', N'U') IS NULL
CREATE TABLE quartz.QRTZ_JOB_STATUS (
    SCHED_NAME           nvarchar(120)  NOT NULL,
    JOB_GROUP            nvarchar(150)  NOT NULL,
    JOB_NAME             nvarchar(150)  NOT NULL,
    FIRST_FIRED_TIME     bigint         NOT NULL,
    LAST_FIRED_TIME      bigint         NOT NULL,
    LAST_RESULT          int            NOT NULL,
    LAST_RUN_TIME        bigint         NOT NULL,
    LAST_INSTANCE_NAME   nvarchar(200)  NOT NULL,
    LAST_ENTRY_ID        nvarchar(140)  NULL,
    LAST_SUMMARY         nvarchar(1000) NULL,
    LAST_SUCCESS_TIME    bigint         NULL,
    LAST_FAILURE_TIME    bigint         NULL,
    LAST_FAILURE_MESSAGE nvarchar(1000) NULL,
    CONSECUTIVE_FAILURES int            NOT NULL CONSTRAINT DF_QRTZ_JOB_STATUS_CONSECUTIVE_FAILURES DEFAULT 0,
    RUN_COUNT            bigint         NOT NULL CONSTRAINT DF_QRTZ_JOB_STATUS_RUN_COUNT DEFAULT 0,
    FAILURE_COUNT        bigint         NOT NULL CONSTRAINT DF_QRTZ_JOB_STATUS_FAILURE_COUNT DEFAULT 0,
    CONSTRAINT PK_QRTZ_JOB_STATUS PRIMARY KEY (SCHED_NAME, JOB_GROUP, JOB_NAME)
);
GO

-- The indexes Quartz 4.x reads by: trigger acquisition (state, next fire time, priority), job and trigger lookups,
-- recovery of a dead node's firings, and the history's time-ordered reads.
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IDX_QRTZ_J_G_N' AND object_id = OBJECT_ID(N'quartz.QRTZ_JOB_DETAILS'))
    CREATE INDEX IDX_QRTZ_J_G_N ON quartz.QRTZ_JOB_DETAILS (SCHED_NAME, JOB_GROUP, JOB_NAME);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IDX_QRTZ_T_J' AND object_id = OBJECT_ID(N'quartz.QRTZ_TRIGGERS'))
    CREATE INDEX IDX_QRTZ_T_J ON quartz.QRTZ_TRIGGERS (SCHED_NAME, JOB_NAME, JOB_GROUP);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IDX_QRTZ_T_G_N' AND object_id = OBJECT_ID(N'quartz.QRTZ_TRIGGERS'))
    CREATE INDEX IDX_QRTZ_T_G_N ON quartz.QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_GROUP, TRIGGER_NAME);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IDX_QRTZ_T_C' AND object_id = OBJECT_ID(N'quartz.QRTZ_TRIGGERS'))
    CREATE INDEX IDX_QRTZ_T_C ON quartz.QRTZ_TRIGGERS (SCHED_NAME, CALENDAR_NAME);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IDX_QRTZ_T_NFT_ST' AND object_id = OBJECT_ID(N'quartz.QRTZ_TRIGGERS'))
    CREATE INDEX IDX_QRTZ_T_NFT_ST ON quartz.QRTZ_TRIGGERS (SCHED_NAME, TRIGGER_STATE, NEXT_FIRE_TIME ASC, PRIORITY DESC, MISFIRE_INSTR);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IDX_QRTZ_FT_INST_JOB_REQ_RCVRY' AND object_id = OBJECT_ID(N'quartz.QRTZ_FIRED_TRIGGERS'))
    CREATE INDEX IDX_QRTZ_FT_INST_JOB_REQ_RCVRY ON quartz.QRTZ_FIRED_TRIGGERS (SCHED_NAME, INSTANCE_NAME, REQUESTS_RECOVERY);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IDX_QRTZ_FT_J_G' AND object_id = OBJECT_ID(N'quartz.QRTZ_FIRED_TRIGGERS'))
    CREATE INDEX IDX_QRTZ_FT_J_G ON quartz.QRTZ_FIRED_TRIGGERS (SCHED_NAME, JOB_NAME, JOB_GROUP);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IDX_QRTZ_FT_T_G' AND object_id = OBJECT_ID(N'quartz.QRTZ_FIRED_TRIGGERS'))
    CREATE INDEX IDX_QRTZ_FT_T_G ON quartz.QRTZ_FIRED_TRIGGERS (SCHED_NAME, TRIGGER_NAME, TRIGGER_GROUP);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IDX_QRTZ_EH_FIRED_TIME' AND object_id = OBJECT_ID(N'quartz.QRTZ_EXECUTION_HISTORY'))
    CREATE INDEX IDX_QRTZ_EH_FIRED_TIME ON quartz.QRTZ_EXECUTION_HISTORY (SCHED_NAME, FIRED_TIME);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IDX_QRTZ_EH_INST' AND object_id = OBJECT_ID(N'quartz.QRTZ_EXECUTION_HISTORY'))
    CREATE INDEX IDX_QRTZ_EH_INST ON quartz.QRTZ_EXECUTION_HISTORY (SCHED_NAME, INSTANCE_NAME);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IDX_QRTZ_EH_JOB_TIME' AND object_id = OBJECT_ID(N'quartz.QRTZ_EXECUTION_HISTORY'))
    CREATE INDEX IDX_QRTZ_EH_JOB_TIME ON quartz.QRTZ_EXECUTION_HISTORY (SCHED_NAME, JOB_GROUP, JOB_NAME, FIRED_TIME);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IDX_QRTZ_EH_FIRE_INST' AND object_id = OBJECT_ID(N'quartz.QRTZ_EXECUTION_HISTORY'))
    CREATE INDEX IDX_QRTZ_EH_FIRE_INST ON quartz.QRTZ_EXECUTION_HISTORY (SCHED_NAME, FIRE_INSTANCE_ID);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IDX_QRTZ_EH_TRIG_TIME' AND object_id = OBJECT_ID(N'quartz.QRTZ_EXECUTION_HISTORY'))
    CREATE INDEX IDX_QRTZ_EH_TRIG_TIME ON quartz.QRTZ_EXECUTION_HISTORY (SCHED_NAME, TRIGGER_GROUP, TRIGGER_NAME, FIRED_TIME);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IDX_QRTZ_MH_MISFIRE_TIME' AND object_id = OBJECT_ID(N'quartz.QRTZ_MISFIRE_HISTORY'))
    CREATE INDEX IDX_QRTZ_MH_MISFIRE_TIME ON quartz.QRTZ_MISFIRE_HISTORY (SCHED_NAME, MISFIRE_TIME);
IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IDX_QRTZ_MH_INST' AND object_id = OBJECT_ID(N'quartz.QRTZ_MISFIRE_HISTORY'))
    CREATE INDEX IDX_QRTZ_MH_INST ON quartz.QRTZ_MISFIRE_HISTORY (SCHED_NAME, INSTANCE_NAME);
GO
