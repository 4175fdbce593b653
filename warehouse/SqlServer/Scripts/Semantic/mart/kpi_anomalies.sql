-- Days on which a KPI (overall or of one channel) left its usual range. The usual range is robust: the median of the
-- previous AnomalyWindowDays daily values and their median absolute deviation (MAD), so one earlier outlier does not
-- widen the band. 1.4826 × MAD estimates the standard deviation of normally distributed data; the band is
-- median ± AnomalyThreshold of those. Only complete days with a value count, and a window needs 14 of them.
-- values becomes PERCENTILE_CONT(0.5) over the window rows of the same day, KPI and segment (both interpolate the
-- two middle values of an even count).
CREATE OR ALTER VIEW mart.kpi_anomalies AS
WITH daily AS (
    SELECT period_start AS date, segment_type, segment, kpi_id, kpi_name, unit, value
    FROM mart.kpi_values
    WHERE grain = 'day' AND segment_type IN ('all', 'channel') AND period_complete = 1 AND value IS NOT NULL
),
-- Each day with the values of the same KPI and segment on the N days before it (the day itself excluded): one row
-- per window value.
windowed AS (
    SELECT d.date, d.segment_type, d.segment, d.kpi_id, d.kpi_name, d.unit, d.value,
           w.value AS window_value,
           COUNT_BIG(*) OVER (PARTITION BY d.kpi_id, d.segment_type, d.segment, d.date) AS observations,
           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY w.value)
               OVER (PARTITION BY d.kpi_id, d.segment_type, d.segment, d.date)       AS baseline_median
    FROM daily AS d
    CROSS JOIN dw.settings AS s
    JOIN daily AS w
      ON w.kpi_id = d.kpi_id AND w.segment_type = d.segment_type AND w.segment = d.segment
     AND w.date BETWEEN DATEADD(day, -CAST(s.anomaly_window_days AS int), d.date) AND DATEADD(day, -1, d.date)
),
deviations AS (
    SELECT b.date, b.segment_type, b.segment, b.kpi_id, b.kpi_name, b.unit, b.value, b.observations, b.baseline_median,
           PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY ABS(b.window_value - b.baseline_median))
               OVER (PARTITION BY b.kpi_id, b.segment_type, b.segment, b.date)       AS mad
    FROM windowed AS b
    WHERE b.observations >= 14
),
-- Back to one row per day, KPI and segment (every column is the same on all window rows of one day).
spread AS (
    SELECT DISTINCT date, segment_type, segment, kpi_id, kpi_name, unit, value, observations, baseline_median, mad
    FROM deviations
),
banded AS (
    SELECT p.date, p.segment_type, p.segment, p.kpi_id, p.kpi_name, p.unit, p.value, p.observations, p.baseline_median, p.mad,
           p.baseline_median - CAST(s.anomaly_threshold AS float) * 1.4826 * p.mad AS lower_bound,
           p.baseline_median + CAST(s.anomaly_threshold AS float) * 1.4826 * p.mad AS upper_bound
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
    CAST(b.lower_bound AS float)                                      AS lower_bound,
    CAST(b.upper_bound AS float)                                      AS upper_bound,
    (b.value - b.baseline_median) / (1.4826 * b.mad)                  AS robust_z,
    CAST(b.observations AS int)                                       AS observations,
    CASE WHEN b.value > b.upper_bound THEN 'up' ELSE 'down' END      AS direction,
    CASE
        WHEN k.better_when = 'Higher' THEN CASE WHEN b.value > b.upper_bound THEN 'good' ELSE 'bad' END
        WHEN k.better_when = 'Lower'  THEN CASE WHEN b.value > b.upper_bound THEN 'bad' ELSE 'good' END
        ELSE 'watch'
    END                                                               AS assessment
FROM banded AS b
JOIN mart.kpi_catalog AS k ON k.kpi_id = b.kpi_id
WHERE b.value > b.upper_bound OR b.value < b.lower_bound;
