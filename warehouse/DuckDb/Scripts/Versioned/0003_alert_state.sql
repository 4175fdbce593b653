-- What the scheduler has already alerted on, so an alert is sent once: the last KPI anomaly date reported
-- (key 'kpi_anomalies.last_date') and each source's current stale episode (key 'stale:<source>').
CREATE TABLE etl.alert_state (
    key        VARCHAR   NOT NULL PRIMARY KEY,
    value      VARCHAR,
    updated_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE etl.alert_state IS 'Alerts already sent by pipeline schedule (last anomaly date, open stale episodes); delete a row to alert again.';
