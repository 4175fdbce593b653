-- Days on which a KPI (overall or of one channel) left its usual range, judged only where the judgement means something
-- (warehouse/SEMANTICS.md, "Anomalies"):
-- * every series is zero-filled over the days its sources cover: a covered day without a won deal is revenue 0, not
--   missing, so the band is not computed from the busy days only;
-- * a ratio is judged only on days whose volume (the count it is estimated from: its denominator, won deals for revenue
--   and ROI, conversions for platform ROAS) reaches AnomalyMinDenominator; a CPL from 3 leads is noise, not news; a
--   rate of two counts (CTR, conversion rates) also needs a usual numerator of AnomalyMinCount, and its band is never
--   narrower than the sampling noise √(p (1 − p) / n) of the day's denominator n;
-- * counts (sessions, leads, new customers …) are judged on the Anscombe scale 2·√(x + 3/8), where Poisson noise has
--   standard deviation 1, with a spread of at least that 1, and only when their usual day reaches AnomalyMinCount;
--   other series keep the robust median ± AnomalyThreshold × 1.4826 × MAD band of the previous AnomalyWindowDays days;
-- * a day outside its band is flagged only when it is also AnomalyMinChange (a fraction) away from the usual value;
-- * provisional and uncovered days are neither flagged nor part of any window.
CREATE OR REPLACE VIEW mart.kpi_anomalies AS
-- A range refresh judges the days from its first day on, each against the AnomalyWindowDays before it: from the day
-- before that window on is all it reads, except each series' first day (reading every day took about half a second
-- of each refresh on the 10M-row bench world). Without a range, every day.
WITH horizon AS (
    SELECT CASE WHEN {{refresh_from}} > DATE '0001-12-31'
                THEN CAST({{refresh_from}} - CAST(anomaly_window_days AS INTEGER) - 1 AS DATE)
                ELSE {{refresh_from}} END AS first_read
    FROM dw.settings
),
daily AS MATERIALIZED (
    SELECT period_start AS date, segment_type, segment, kpi_id, value, numerator, denominator
    FROM mart.kpi_values
    WHERE grain = 'day' AND segment_type IN ('all', 'channel') AND period_start >= (SELECT first_read FROM horizon)
      -- The same rows, as a comparison DuckDB checks while it scans (an IN list of text is checked only after every
      -- column is read): campaigns are ~90 % of the day rows.
      AND segment_type <> 'campaign'
),
-- How each KPI is judged: count (Anscombe band), ratio or sum (robust band), and which count its volume is.
kinds AS (
    SELECT k.kpi_id, k.name AS kpi_name, k.unit, k.better_when,
           CASE
               WHEN k.denominator IS NOT NULL AND k.denominator <> '' OR k.kpi_id = 'channel_session_share' THEN 'ratio'
               WHEN k.unit = 'Count' AND NOT EXISTS (SELECT 1 FROM dw.kpi_formula_terms AS t WHERE t.kpi_id = k.kpi_id AND t.numerator_coefficient < 0) THEN 'count'
               ELSE 'sum'
           END AS kind,
           v.volume_measure,
           -- A rate of two counts (CTR, conversion rates, email rates) is only as good as its rarer count, the numerator.
           CASE WHEN k.unit = 'Ratio' AND k.denominator IS NOT NULL AND k.denominator <> '' AND v.volume_measure IS NULL THEN 1 ELSE 0 END AS rate_of_counts
    FROM mart.kpi_catalog AS k
    -- Ratios and sums whose noise comes from a count other than their denominator: a day of ROI or revenue is as good
    -- as the deals won on it, a channel's session share as the channel's sessions.
    LEFT JOIN (VALUES ('revenue', 'won_deals'), ('roi', 'won_deals'), ('romi', 'won_deals'), ('roi_paid', 'won_deals'),
                      ('roas', 'won_deals'), ('roas_paid', 'won_deals'), ('roas_platform', 'ad_conversions'),
                      ('channel_session_share', 'sessions'), ('list_growth', 'list_subs')) AS v(kpi_id, volume_measure) ON v.kpi_id = k.kpi_id
),
-- The days every source each KPI needs was loaded on (mart.kpi_coverage_daily), and whether one may still restate it.
kpi_days AS MATERIALIZED (
    SELECT kpi_id, date, provisional FROM mart.kpi_coverage_daily WHERE covered AND date >= (SELECT first_read FROM horizon)
),
-- Every series, from every day: one that ended before the horizon is still zero-filled on the days it covers.
series AS (
    SELECT kpi_id, segment_type, segment, min(period_start) AS first_date
    FROM mart.kpi_values
    WHERE grain = 'day' AND segment_type IN ('all', 'channel') AND segment_type <> 'campaign'
    GROUP BY ALL
),
-- The daily counts some KPIs are judged by (won deals, conversions …), read once and small.
volumes AS MATERIALIZED (
    SELECT period_start AS date, segment_type, segment, measure, value
    FROM mart.kpi_measures
    WHERE grain = 'day' AND segment_type IN ('all', 'channel') AND period_start >= (SELECT first_read FROM horizon)
      AND measure IN (SELECT volume_measure FROM kinds WHERE volume_measure IS NOT NULL)
),
-- A series exists from its first day with data on; from then every covered day is in it, zero-filled for counts and
-- sums (a ratio without its denominator has no value that day).
filled AS MATERIALIZED (
    SELECT s.kpi_id, s.segment_type, s.segment, c.date, c.provisional, k.kind, k.rate_of_counts,
           CASE WHEN k.kind = 'ratio' THEN d.value ELSE COALESCE(d.value, 0) END AS value,
           -- The count the day's value is estimated from (NULL for sums that are not counts of anything).
           CASE
               WHEN k.volume_measure IS NOT NULL THEN COALESCE(m.value, 0)
               WHEN k.kind = 'ratio' THEN COALESCE(d.denominator, 0)
               WHEN k.kind = 'count' THEN COALESCE(d.value, 0)
           END AS volume,
           CASE WHEN k.rate_of_counts = 1 THEN COALESCE(d.numerator, 0) END AS rate_count
    FROM series AS s
    JOIN kinds AS k ON k.kpi_id = s.kpi_id
    JOIN kpi_days AS c ON c.kpi_id = s.kpi_id AND c.date >= s.first_date
    LEFT JOIN daily AS d ON d.kpi_id = s.kpi_id AND d.segment_type = s.segment_type AND d.segment = s.segment AND d.date = c.date
    LEFT JOIN volumes AS m
      ON m.date = c.date AND m.segment_type = s.segment_type AND m.segment = s.segment AND m.measure = k.volume_measure
),
-- Days that may be judged and may stand in a window: final, with a value, and for ratios enough volume that day.
eligible AS MATERIALIZED (
    SELECT f.*,
           CAST(CASE WHEN f.kind = 'count' THEN 2 * sqrt(greatest(f.value, 0) + 0.375) ELSE f.value END AS DOUBLE) AS scaled
    FROM filled AS f
    CROSS JOIN dw.settings AS s
    WHERE NOT f.provisional AND f.value IS NOT NULL
      AND (f.kind <> 'ratio' OR f.volume >= s.anomaly_min_denominator)
),
-- Each day with the values of the same KPI and segment on the N days before it (the day itself excluded).
windowed AS (
    SELECT d.date, d.segment_type, d.segment, d.kpi_id, d.kind, d.rate_of_counts, d.value, d.scaled, d.volume,
           list(w.scaled)          AS window_scaled,
           median(w.value)         AS baseline_median,
           median(w.volume)        AS usual_volume,
           median(w.rate_count)    AS usual_rate_count,
           count(*)                AS observations
    FROM eligible AS d
    CROSS JOIN dw.settings AS s
    JOIN eligible AS w
      ON w.kpi_id = d.kpi_id AND w.segment_type = d.segment_type AND w.segment = d.segment
     AND w.date BETWEEN d.date - CAST(s.anomaly_window_days AS INTEGER) AND d.date - 1
    GROUP BY ALL
    HAVING count(*) >= 14
),
centred AS (
    SELECT *, list_median(window_scaled) AS centre FROM windowed
),
spread AS (
    SELECT c.* EXCLUDE (window_scaled),
           list_median(list_transform(c.window_scaled, lambda x: abs(x - c.centre))) AS mad
    FROM centred AS c
),
banded AS (
    SELECT p.*,
           -- Poisson noise alone has standard deviation 1 on the Anscombe scale: a count's band is never narrower.
           CASE
               WHEN p.kind = 'count' THEN greatest(1.4826 * p.mad, 1.0)
               -- A rate of counts is never judged more precisely than sampling allows: √(p (1 − p) / n) on the day's n.
               WHEN p.rate_of_counts = 1 AND p.volume > 0
                   THEN greatest(1.4826 * p.mad, sqrt(greatest(p.baseline_median * (1 - p.baseline_median), 0) / p.volume))
               ELSE 1.4826 * p.mad
           END AS sigma,
           CAST(s.anomaly_threshold AS DOUBLE) AS threshold,
           CAST(s.anomaly_min_change AS DOUBLE) AS min_change
    FROM spread AS p
    CROSS JOIN dw.settings AS s
    -- Counts, and sums of counted things (revenue: won deals), only where a usual day has enough of them.
    WHERE (p.kind = 'ratio' OR p.usual_volume IS NULL OR p.usual_volume >= s.anomaly_min_count)
      -- A rate only where its usual numerator reaches it too: 0 conversions on a day with 1 usual is not news.
      AND (p.usual_rate_count IS NULL OR p.usual_rate_count >= s.anomaly_min_count)
),
scored AS (
    SELECT b.*, (b.scaled - b.centre) / b.sigma AS z
    FROM banded AS b
    WHERE b.sigma > 0
)
SELECT
    b.date,
    b.segment_type,
    b.segment,
    b.kpi_id,
    k.kpi_name,
    k.unit,
    b.value,
    CAST(b.baseline_median AS DOUBLE)                                  AS baseline_median,
    CAST(b.mad AS DOUBLE)                                              AS mad,
    -- Bounds in the KPI's unit; a count's band is mapped back from the Anscombe scale ((y / 2)² − 3/8).
    CAST(CASE
        WHEN b.kind <> 'count' THEN b.centre - b.threshold * b.sigma
        WHEN b.centre - b.threshold * b.sigma > 2 * sqrt(0.375) THEN pow((b.centre - b.threshold * b.sigma) / 2, 2) - 0.375
        ELSE 0
    END AS DOUBLE)                                                     AS lower_bound,
    CAST(CASE
        WHEN b.kind <> 'count' THEN b.centre + b.threshold * b.sigma
        ELSE pow((b.centre + b.threshold * b.sigma) / 2, 2) - 0.375
    END AS DOUBLE)                                                     AS upper_bound,
    CAST(b.z AS DOUBLE)                                                AS robust_z,
    CAST(b.observations AS INTEGER)                                    AS observations,
    CASE WHEN b.z > 0 THEN 'up' ELSE 'down' END                        AS direction,
    CASE
        WHEN k.better_when = 'Higher' THEN CASE WHEN b.z > 0 THEN 'good' ELSE 'bad' END
        WHEN k.better_when = 'Lower'  THEN CASE WHEN b.z > 0 THEN 'bad' ELSE 'good' END
        ELSE 'watch'
    END                                                                AS assessment,
    CASE WHEN b.kind = 'count' THEN 'count' ELSE 'robust' END          AS band,
    CAST(b.volume AS DOUBLE)                                           AS volume,
    -- Only covered, final days are judged: every row is a complete day.
    CAST(1 AS DOUBLE)                                                  AS coverage,
    CAST(1 AS INTEGER)                                                 AS covered_days,
    CAST(1 AS INTEGER)                                                 AS period_days,
    'complete'                                                         AS status,
    CAST(NULL AS VARCHAR)                                              AS status_reason
FROM scored AS b
JOIN kinds AS k ON k.kpi_id = b.kpi_id
WHERE abs(b.z) > b.threshold
  -- Outside the band and far enough from usual to matter; a usual value of 0 has no relative change.
  AND (b.baseline_median = 0 OR abs(b.value - b.baseline_median) >= b.min_change * abs(b.baseline_median));
