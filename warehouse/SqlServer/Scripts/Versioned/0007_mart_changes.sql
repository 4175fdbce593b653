-- What each mart refresh, rebuild or deploy rewrote, written in its transaction: one row per mart and refresh (seq,
-- counting up), first_day the first day its rows were recomputed from, NULL for the whole table. T-SQL twin of
-- warehouse/DuckDb/Scripts/Versioned/0006_mart_changes.sql, where the BI copy reads it; here BI reads the live marts
-- and the table only keeps the refresher the same on both engines.
CREATE TABLE etl.mart_changes (
    seq        bigint        NOT NULL,
    refresh_id nvarchar(36)  NOT NULL,
    changed_at datetime2(6)  NOT NULL,
    mart       nvarchar(128) NOT NULL,
    first_day  date          NULL,
    CONSTRAINT pk_mart_changes PRIMARY KEY CLUSTERED (seq, mart)
);
GO

EXEC etl.set_description @schema = N'etl', @object = N'mart_changes', @text = N'Per mart refresh, rebuild or deploy and mart table: the first day its rows were recomputed from (NULL: the whole table).';
