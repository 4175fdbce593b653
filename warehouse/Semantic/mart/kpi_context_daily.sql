-- dw.kpi_context_daily kept as a table: a refresh recomputes the days report windows reloaded, before
-- mart.kpi_measure_context, which then reads the report streams' part of the context from here.
CREATE VIEW mart.kpi_context_daily AS
SELECT date, cost_platform, cost_account, channel, device, country
FROM dw.kpi_context_daily;
