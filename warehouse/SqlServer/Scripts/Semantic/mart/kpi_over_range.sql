-- Every additive or ratio KPI over any date range (a campaign flight, a quarter to date), overall and per segment,
-- with the same terms and coverage as mart.kpi_values: SELECT ... FROM mart.kpi_over_range('2026-10-01', '2026-10-31').
-- DuckDB's table macro mart.kpi_over_range(range_start, range_end) as an inline table-valued function; ratios sum
-- over the range's covered (aligned) days only.
CREATE OR ALTER FUNCTION mart.kpi_over_range(@range_start date, @range_end date)
RETURNS TABLE
AS
RETURN
WITH cov AS (
    SELECT kpi_id, date, covered, provisional FROM dw.kpi_coverage_daily WHERE date BETWEEN @range_start AND @range_end
),
m AS (
    SELECT date, measure, value, breakdown, channel, campaign, device, country
    FROM dw.kpi_measure_daily WHERE date BETWEEN @range_start AND @range_end
),
seg AS (
    SELECT date, measure, value, 'all' AS segment_type, 'All' AS segment FROM m WHERE breakdown IN ('all', 'total')
    UNION ALL SELECT date, measure, value, 'channel', channel FROM m WHERE breakdown IN ('all', 'total') AND channel IS NOT NULL
    UNION ALL SELECT date, measure, value, 'campaign', campaign FROM m WHERE breakdown IN ('all', 'total') AND campaign IS NOT NULL
    UNION ALL SELECT date, measure, value, 'device', device FROM m WHERE breakdown IN ('all', 'device') AND device IS NOT NULL
    UNION ALL SELECT date, measure, value, 'country', country FROM m WHERE breakdown IN ('all', 'country') AND country IS NOT NULL
),
by_day AS (
    SELECT date, segment_type, segment, measure, SUM(value) AS value FROM seg GROUP BY date, segment_type, segment, measure
),
terms AS (
    SELECT s.segment_type, s.segment, t.kpi_id, t.numerator_coefficient, t.denominator_coefficient, CAST(s.value AS decimal(28, 9)) AS value,
           CASE WHEN c.covered = 1 THEN 1 ELSE 0 END AS aligned, CASE WHEN k.denominator IS NULL THEN 1 ELSE 0 END AS is_sum
    FROM by_day AS s
    JOIN dw.kpi_formula_terms AS t ON t.measure = s.measure
    JOIN mart.kpi_catalog AS k ON k.kpi_id = t.kpi_id
    LEFT JOIN cov AS c ON c.kpi_id = t.kpi_id AND c.date = s.date
),
sums AS (
    SELECT segment_type, segment, kpi_id,
           CAST(CASE WHEN COUNT_BIG(CASE WHEN numerator_coefficient <> 0 AND (is_sum = 1 OR aligned = 1) THEN 1 END) > 0
                     THEN SUM(CASE WHEN is_sum = 1 OR aligned = 1 THEN value * CAST(numerator_coefficient AS decimal(2, 0)) END) END AS decimal(38, 9)) AS numerator,
           CAST(CASE WHEN COUNT_BIG(CASE WHEN denominator_coefficient <> 0 AND aligned = 1 THEN 1 END) > 0
                     THEN SUM(CASE WHEN aligned = 1 THEN value * CAST(denominator_coefficient AS decimal(2, 0)) END) END AS decimal(38, 9)) AS denominator
    FROM terms
    GROUP BY segment_type, segment, kpi_id
),
coverage AS (
    SELECT kpi_id, CAST(SUM(CAST(covered AS int)) AS int) AS covered_days,
           MAX(CASE WHEN covered = 1 AND provisional = 1 THEN 1 ELSE 0 END) AS provisional
    FROM cov GROUP BY kpi_id
),
gap_spans AS (
    SELECT kpi_id, issue, subject, MIN(date) AS first_day, MAX(date) AS last_day, COUNT(DISTINCT date) AS days, SUM(open_deals) AS open_deals
    FROM dw.kpi_coverage_issues WHERE date BETWEEN @range_start AND @range_end
    GROUP BY kpi_id, issue, subject
),
reasons AS (
    SELECT kpi_id,
           STRING_AGG(CASE issue
                          WHEN 'not loaded' THEN CONCAT(subject, ' not loaded ', CONVERT(char(10), first_day, 23),
                               CASE WHEN last_day > first_day THEN CONCAT('..', CONVERT(char(10), last_day, 23)) ELSE '' END)
                          WHEN 'no FX rate' THEN CONCAT('no FX rate for ', subject, ' on ', days, CASE WHEN days = 1 THEN ' day' ELSE ' days' END)
                      END, '; ') WITHIN GROUP (ORDER BY issue, subject) AS gaps,
           SUM(CASE WHEN issue = 'provisional' THEN open_deals END) AS open_deals,
           STRING_AGG(CASE WHEN issue = 'provisional' AND open_deals = 0 THEN subject END, ', ') WITHIN GROUP (ORDER BY subject) AS restating
    FROM gap_spans GROUP BY kpi_id
),
judged AS (
    SELECT r.segment_type, r.segment, r.kpi_id, r.numerator, r.denominator,
           DATEDIFF(day, @range_start, @range_end) + 1 AS period_days,
           COALESCE(c.covered_days, 0) AS covered_days, COALESCE(c.provisional, 0) AS provisional,
           t.today, rs.gaps, rs.open_deals, rs.restating
    FROM sums AS r
    CROSS JOIN (SELECT {{reporting_date(SYSUTCDATETIME())}} AS today FROM dw.settings AS s) AS t
    LEFT JOIN coverage AS c ON c.kpi_id = r.kpi_id
    LEFT JOIN reasons AS rs ON rs.kpi_id = r.kpi_id
)
SELECT @range_start AS period_start, @range_end AS period_end, r.segment_type, r.segment, r.kpi_id,
       k.name AS kpi_name, k.unit, CASE WHEN k.unit = 'Currency' THEN st.reporting_currency END AS currency,
       r.numerator, CASE WHEN k.denominator IS NOT NULL THEN r.denominator END AS denominator,
       CASE WHEN x.cost_scope_note IS NULL THEN {{kpi_value(r.numerator, r.denominator)}} END AS value,
       CAST(r.covered_days AS float) / r.period_days AS coverage,
       r.covered_days,
       r.period_days,
       CASE WHEN r.covered_days < r.period_days THEN 'partial' WHEN r.provisional = 1 THEN 'provisional' ELSE 'complete' END AS status,
       NULLIF(CONCAT_WS('; ',
           x.cost_scope_note,
           CASE WHEN r.covered_days < r.period_days AND @range_end > r.today
                THEN CONCAT('period in progress: ', CASE WHEN r.today >= @range_start THEN DATEDIFF(day, @range_start, r.today) + 1 ELSE 0 END,
                            ' of ', r.period_days, ' days') END,
           CASE WHEN r.covered_days < r.period_days THEN r.gaps END,
           CASE WHEN r.covered_days = r.period_days AND r.provisional = 1 THEN
                NULLIF(CONCAT_WS('; ',
                    CASE WHEN r.open_deals > 0 THEN CONCAT('provisional: ', r.open_deals, ' deals created in the period still open') END,
                    CASE WHEN r.restating IS NOT NULL THEN CONCAT('provisional: ', r.restating, ' may still restate days of the period') END), '')
           END), '') AS status_reason,
       CAST(CASE WHEN r.covered_days = r.period_days THEN 1 ELSE 0 END AS bit) AS period_complete
FROM judged AS r
JOIN mart.kpi_catalog AS k ON k.kpi_id = r.kpi_id
CROSS JOIN dw.settings AS st
LEFT JOIN dw.dim_channel AS x
  ON r.segment_type = 'channel' AND x.channel = r.segment AND k.cost_scope IN ('blended', 'paid');
