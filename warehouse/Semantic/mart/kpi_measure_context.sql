-- dw.kpi_measure_context kept as a table: the refresh compares it before and after each run. While it holds the
-- same rows, a day's daily measures depend on that day's data only and the marts refresh day ranges; when it
-- changes (a new spelling of a channel, a channel's first cost row, a Google Ads account), every mart is recomputed.
CREATE VIEW mart.kpi_measure_context AS
SELECT family, k, label
FROM dw.kpi_measure_context;
