-- What each mart refresh, rebuild or deploy rewrote, written in its transaction: one row per mart and refresh (seq,
-- counting up), first_day the first day its rows were recomputed from (see MartRefreshStatements.Delete), NULL for
-- the whole table. The BI copy (MartPublisher) records the last seq it holds and next time replaces only the rows
-- changed since, instead of copying every mart table again.
CREATE TABLE etl.mart_changes (
    seq        BIGINT    NOT NULL,
    refresh_id VARCHAR   NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    mart       VARCHAR   NOT NULL,
    first_day  DATE,
    PRIMARY KEY (seq, mart)
);
