-- The part of dw.kpi_measure_context that report streams bring, by day: the channel, device and country spellings of
-- GA4 traffic and Meta's breakdowns, and the channels and accounts of Meta's and Google Ads' cost rows. A report
-- stream's rows change only inside the windows its syncs reload (the run log says which), so a refresh recomputes
-- only those days of mart.kpi_context_daily, and dw.kpi_measure_context reads the millions of report rows through it
-- (a few hundred rows a day) instead of reading every report row of the whole history again.
-- cost_platform and cost_account are '' on rows that only carry spellings.
CREATE VIEW dw.kpi_context_daily AS
SELECT date, '' AS cost_platform, '' AS cost_account, channel, device, country FROM dw.fact_web_sessions_daily
UNION SELECT date, '', '', channel, NULL, country FROM dw.fact_ad_performance_by_country_daily
UNION SELECT date, '', '', channel, device, NULL FROM dw.fact_ad_performance_by_device_daily
UNION SELECT date, platform, account_id, channel, NULL, NULL FROM dw.fact_marketing_cost WHERE platform <> 'files';
