-- Days on which a KPI (overall or of one channel) left its usual range. The usual range is robust: the median of the
-- previous AnomalyWindowDays daily values and their median absolute deviation (MAD), so one earlier outlier does not
-- widen the band. 1.4826 × MAD estimates the standard deviation of normally distributed data; the band is
-- median ± AnomalyThreshold of those. Only complete days with a value count, and a window needs 14 of them.
CREATE OR REPLACE VIEW mart.kpi_anomalies AS
WITH daily AS MATERIALIZED (
    SELECT period_start AS date, segment_type, segment, kpi_id, kpi_name, unit, value
    FROM mart.kpi_values
    WHERE grain = 'day' AND segment_type IN ('all', 'channel') AND period_complete AND value IS NOT NULL
),
-- Each day with the values of the same KPI and segment on the N days before it (the day itself excluded).
windowed AS (
    SELECT d.date, d.segment_type, d.segment, d.kpi_id, d.kpi_name, d.unit, d.value,
           list(w.value)  AS window_values,
           count(*)       AS observations
    FROM daily AS d
    CROSS JOIN dw.settings AS s
    JOIN daily AS w
      ON w.kpi_id = d.kpi_id AND w.segment_type = d.segment_type AND w.segment = d.segment
     AND w.date BETWEEN d.date - CAST(s.anomaly_window_days AS INTEGER) AND d.date - 1
    GROUP BY ALL
),
baseline AS (
    SELECT *, list_median(window_values) AS baseline_median
    FROM windowed
    WHERE observations >= 14
),
spread AS (
    SELECT b.* EXCLUDE (window_values),
           list_median(list_transform(b.window_values, lambda x: abs(x - b.baseline_median))) AS mad
    FROM baseline AS b
),
banded AS (
    SELECT p.*,
           p.baseline_median - s.anomaly_threshold * 1.4826 * p.mad AS lower_bound,
           p.baseline_median + s.anomaly_threshold * 1.4826 * p.mad AS upper_bound
    FROM spread AS p
    CROSS JOIN dw.settings AS s
    WHERE p.mad > 0
)
SELECT
    b.date,
    b.segment_type,
    b.segment,
    b.kpi_id,
    b.kpi_name,
    b.unit,
    b.value,
    b.baseline_median,
    b.mad,
    CAST(b.lower_bound AS DOUBLE)                                     AS lower_bound,
    CAST(b.upper_bound AS DOUBLE)                                     AS upper_bound,
    (b.value - b.baseline_median) / (1.4826 * b.mad)                  AS robust_z,
    CAST(b.observations AS INTEGER)                                   AS observations,
    CASE WHEN b.value > b.upper_bound THEN 'up' ELSE 'down' END      AS direction,
    CASE
        WHEN k.better_when = 'Higher' THEN CASE WHEN b.value > b.upper_bound THEN 'good' ELSE 'bad' END
        WHEN k.better_when = 'Lower'  THEN CASE WHEN b.value > b.upper_bound THEN 'bad' ELSE 'good' END
        ELSE 'watch'
    END                                                               AS assessment
FROM banded AS b
JOIN mart.kpi_catalog AS k ON k.kpi_id = b.kpi_id
WHERE b.value > b.upper_bound OR b.value < b.lower_bound;
