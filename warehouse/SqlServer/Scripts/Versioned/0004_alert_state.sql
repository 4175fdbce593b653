-- What the scheduler has already alerted on, so an alert is sent once: the last KPI anomaly date reported
-- (key 'kpi_anomalies.last_date') and each source's current stale episode (key 'stale:<source>').
-- T-SQL twin of warehouse/DuckDb/Scripts/Versioned/0003_alert_state.sql (KEY is reserved in T-SQL: [key]).
CREATE TABLE etl.alert_state (
    [key]      nvarchar(256)  NOT NULL,
    value      nvarchar(4000) NULL,
    updated_at datetime2(6)   NOT NULL,
    CONSTRAINT pk_alert_state PRIMARY KEY CLUSTERED ([key])
);
GO
EXEC etl.set_description @schema = N'etl', @object = N'alert_state', @text = N'Alerts already sent by pipeline schedule (last anomaly date, open stale episodes); delete a row to alert again.';
