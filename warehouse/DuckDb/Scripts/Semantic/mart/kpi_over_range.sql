-- Every additive or ratio KPI over any date range (a campaign flight, a quarter to date), overall and per segment,
-- with the same terms as mart.kpi_values: FROM mart.kpi_over_range(DATE '2026-10-01', DATE '2026-10-31').
CREATE OR REPLACE MACRO mart.kpi_over_range(range_start, range_end) AS TABLE
WITH m AS (
    SELECT * FROM dw.kpi_measure_daily WHERE date BETWEEN range_start AND range_end
),
seg AS (
    SELECT measure, value, 'all' AS segment_type, 'All' AS segment FROM m WHERE breakdown IN ('all', 'total')
    UNION ALL SELECT measure, value, 'channel', channel FROM m WHERE breakdown IN ('all', 'total') AND channel IS NOT NULL
    UNION ALL SELECT measure, value, 'campaign', campaign FROM m WHERE breakdown IN ('all', 'total') AND campaign IS NOT NULL
    UNION ALL SELECT measure, value, 'device', device FROM m WHERE breakdown IN ('all', 'device') AND device IS NOT NULL
    UNION ALL SELECT measure, value, 'country', country FROM m WHERE breakdown IN ('all', 'country') AND country IS NOT NULL
),
sums AS (
    SELECT s.segment_type, s.segment, t.kpi_id,
           CASE WHEN count(*) FILTER (WHERE t.numerator_coefficient <> 0) > 0 THEN sum(s.value * t.numerator_coefficient) END AS numerator,
           CASE WHEN count(*) FILTER (WHERE t.denominator_coefficient <> 0) > 0 THEN sum(s.value * t.denominator_coefficient) END AS denominator
    FROM seg AS s JOIN dw.kpi_formula_terms AS t ON t.measure = s.measure
    GROUP BY ALL
)
SELECT CAST(range_start AS DATE) AS period_start, CAST(range_end AS DATE) AS period_end, r.segment_type, r.segment, r.kpi_id,
       k.name AS kpi_name, k.unit, CASE WHEN k.unit = 'Currency' THEN st.reporting_currency END AS currency,
       r.numerator, CASE WHEN k.denominator IS NOT NULL THEN r.denominator END AS denominator,
       {{kpi_value(r.numerator, r.denominator)}} AS value
FROM sums AS r
JOIN mart.kpi_catalog AS k ON k.kpi_id = r.kpi_id
CROSS JOIN dw.settings AS st;
