-- Exchange rate to the reporting currency for every day of dim_date and every currency in fx_rates: the last
-- rate on or before the day, else the first one known (so old rows are never dropped for want of a rate).
CREATE OR ALTER VIEW dw.fx_daily AS
WITH currencies AS (
    SELECT DISTINCT currency FROM staging.files_fx_rates
),
grid AS (
    SELECT d.date, c.currency FROM dw.dim_date AS d CROSS JOIN currencies AS c
)
SELECT g.date, g.currency, CAST(COALESCE(r.rate, f.rate) AS decimal(38, 9)) AS rate_to_reporting
FROM grid AS g
-- DuckDB's ASOF LEFT JOIN: the row of the latest day on or before the grid day.
OUTER APPLY (
    SELECT TOP (1) x.rate FROM staging.files_fx_rates AS x
    WHERE x.currency = g.currency AND x.date <= g.date
    ORDER BY x.date DESC
) AS r
-- DuckDB's arg_min(rate, date): the rate of the earliest day, skipping rows without a day or a rate.
OUTER APPLY (
    SELECT TOP (1) x.rate FROM staging.files_fx_rates AS x
    WHERE x.currency = g.currency AND x.date IS NOT NULL AND x.rate IS NOT NULL
    ORDER BY x.date
) AS f
WHERE g.currency <> (SELECT reporting_currency FROM dw.settings)
UNION ALL
SELECT d.date, s.reporting_currency, CAST(1 AS decimal(38, 9)) FROM dw.dim_date AS d CROSS JOIN dw.settings AS s;
