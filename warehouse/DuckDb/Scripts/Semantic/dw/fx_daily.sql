-- Exchange rate to the reporting currency for every day of dim_date and every currency in fx_rates: the last
-- rate on or before the day, else the first one known (so old rows are never dropped for want of a rate).
-- dw.dim_date is named once: DuckDB binds and plans a view again at every mention, and every fact with money names
-- this view.
CREATE OR REPLACE VIEW dw.fx_daily AS
WITH days AS (
    SELECT date FROM dw.dim_date
),
currencies AS (
    SELECT DISTINCT currency FROM staging.files_fx_rates
),
first_rate AS (
    SELECT currency, arg_min(rate, date) AS rate FROM staging.files_fx_rates GROUP BY currency
),
grid AS (
    SELECT d.date, c.currency FROM days AS d CROSS JOIN currencies AS c
)
SELECT g.date, g.currency, CAST(COALESCE(r.rate, f.rate) AS DECIMAL(38, 9)) AS rate_to_reporting
FROM grid AS g
ASOF LEFT JOIN staging.files_fx_rates AS r ON r.currency = g.currency AND g.date >= r.date
JOIN first_rate AS f ON f.currency = g.currency
WHERE g.currency <> (SELECT reporting_currency FROM dw.settings)
UNION ALL
SELECT d.date, s.reporting_currency, CAST(1 AS DECIMAL(38, 9)) FROM days AS d CROSS JOIN dw.settings AS s;
