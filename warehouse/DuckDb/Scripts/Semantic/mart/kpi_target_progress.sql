-- Progress of every target in kpi_targets.csv (dw.kpi_target). A target's range is its own (a quarter, a year, any
-- dates), not a mart grain, so the actual is summed straight from dw.kpi_measure_daily with the catalog formula terms,
-- the same way mart.kpi_values does it: numerator and denominator summed separately, then divided.
--
-- "As of" = the last day with any GA4 or Meta row: the daily sources, so the day the data is complete up to. CRM,
-- Mailchimp and file rows arrive on days with activity only and would make an idle day look like a lag. Without any
-- GA4 or Meta data the last day of any row is used. Actuals count rows from period_start up to the as-of day; a
-- count or sum without rows there is 0.
--
-- Segment: All = whole business (rows of breakdown all/total, as mart.kpi_values segment All). Otherwise the segment
-- is looked up (ignoring case) as a channel, then a campaign, then a country, then a dw.dim_geo region (e.g. DACH),
-- and the first family it names is used, so no row is counted twice. Channel and campaign count rows of breakdown
-- all/total; country and region rows of breakdown all/country (Meta's country breakdown, GA4 traffic).
CREATE OR REPLACE VIEW mart.kpi_target_progress AS
WITH as_of AS (
    SELECT COALESCE(max(date) FILTER (WHERE platform IN ('ga4', 'meta')), max(date)) AS as_of_date
    FROM mart.kpi_measure_daily
),
targets AS (
    SELECT row_number() OVER (ORDER BY t.kpi_id, t.segment, t.period_start, t.period_end, t.target) AS target_no, t.*
    FROM dw.kpi_target AS t
),
-- The segments targets name: only those are looked up, and every channel and campaign of the daily measures took
-- about half a second of each refresh on the 10M-row bench world (with no target at all).
named AS (
    SELECT DISTINCT lower(trim(segment)) AS label FROM dw.kpi_target
),
families AS (
    SELECT DISTINCT 'channel' AS segment_type, 1 AS priority, lower(channel) AS label, NULL AS country
    FROM mart.kpi_measure_daily WHERE channel IS NOT NULL AND breakdown IN ('all', 'total') AND lower(channel) IN (SELECT label FROM named)
    UNION ALL
    SELECT DISTINCT 'campaign', 2, lower(campaign), NULL
    FROM mart.kpi_measure_daily WHERE campaign IS NOT NULL AND breakdown IN ('all', 'total') AND lower(campaign) IN (SELECT label FROM named)
    UNION ALL
    SELECT DISTINCT 'country', 3, lower(country), country FROM dw.dim_geo WHERE country IS NOT NULL
    UNION ALL
    SELECT DISTINCT 'region', 4, lower(region), country FROM dw.dim_geo WHERE region IS NOT NULL AND country IS NOT NULL
),
-- The segment family of each target: all, or the first family whose label equals the segment.
target_family AS (
    SELECT t.target_no,
           CASE WHEN lower(trim(t.segment)) = 'all' THEN 'all'
                ELSE (SELECT arg_min(f.segment_type, f.priority) FROM families AS f WHERE f.label = lower(trim(t.segment)))
           END AS segment_type
    FROM targets AS t
),
-- Daily rows of the target's KPI measures inside its range (up to as-of) and segment.
-- A ratio counts only the days that cover its KPI (aligned, as mart.kpi_over_range); a sum counts every loaded day.
matched AS (
    SELECT t.target_no, m.measure, m.value,
           CASE WHEN k.denominator IS NULL OR c.covered THEN ft.numerator_coefficient ELSE 0 END AS numerator_coefficient,
           CASE WHEN c.covered THEN ft.denominator_coefficient ELSE 0 END AS denominator_coefficient
    FROM targets AS t
    JOIN target_family AS tf ON tf.target_no = t.target_no
    CROSS JOIN as_of AS a
    JOIN dw.kpi_formula_terms AS ft ON ft.kpi_id = t.kpi_id
    JOIN mart.kpi_catalog AS k ON k.kpi_id = t.kpi_id
    JOIN mart.kpi_measure_daily AS m
      ON m.measure = ft.measure
     AND m.date BETWEEN t.period_start AND LEAST(t.period_end, a.as_of_date)
    LEFT JOIN mart.kpi_coverage_daily AS c ON c.kpi_id = t.kpi_id AND c.date = m.date
    WHERE (tf.segment_type = 'all' AND m.breakdown IN ('all', 'total'))
       OR (tf.segment_type = 'channel' AND m.breakdown IN ('all', 'total') AND lower(m.channel) = lower(trim(t.segment)))
       OR (tf.segment_type = 'campaign' AND m.breakdown IN ('all', 'total') AND lower(m.campaign) = lower(trim(t.segment)))
       OR (tf.segment_type = 'country' AND m.breakdown IN ('all', 'country') AND lower(m.country) = lower(trim(t.segment)))
       OR (tf.segment_type = 'region' AND m.breakdown IN ('all', 'country')
           AND m.country IN (SELECT f.country FROM families AS f WHERE f.segment_type = 'region' AND f.label = lower(trim(t.segment))))
),
sums AS (
    SELECT target_no,
           CASE WHEN count(*) FILTER (WHERE numerator_coefficient <> 0) > 0 THEN sum(value * numerator_coefficient) END AS numerator,
           CASE WHEN count(*) FILTER (WHERE denominator_coefficient <> 0) > 0 THEN sum(value * denominator_coefficient) END AS denominator
    FROM matched
    GROUP BY target_no
),
-- Coverage of the target's whole range (as mart.kpi_over_range over it): days on which every source the KPI needs
-- was loaded (mart.kpi_coverage_daily, days up to today), whether one may still restate, and what is missing.
coverage AS (
    SELECT t.target_no,
           CAST(count(*) FILTER (WHERE c.covered) AS INTEGER) AS covered_days,
           COALESCE(bool_or(c.covered AND c.provisional), false) AS provisional
    FROM targets AS t
    JOIN mart.kpi_coverage_daily AS c ON c.kpi_id = t.kpi_id AND c.date BETWEEN t.period_start AND t.period_end
    GROUP BY t.target_no
),
gap_spans AS (
    SELECT t.target_no, i.issue, i.subject, min(i.date) AS first_day, max(i.date) AS last_day,
           count(DISTINCT i.date) AS days, sum(i.open_deals) AS open_deals
    FROM targets AS t
    JOIN mart.kpi_coverage_issues AS i ON i.kpi_id = t.kpi_id AND i.date BETWEEN t.period_start AND t.period_end
    GROUP BY ALL
),
reasons AS (
    SELECT target_no,
           string_agg(CASE issue
                          WHEN 'not loaded' THEN subject || ' not loaded ' || strftime(first_day, '%Y-%m-%d')
                               || CASE WHEN last_day > first_day THEN '..' || strftime(last_day, '%Y-%m-%d') ELSE '' END
                          WHEN 'no FX rate' THEN 'no FX rate for ' || subject || ' on ' || CAST(days AS VARCHAR) || CASE WHEN days = 1 THEN ' day' ELSE ' days' END
                      END, '; ' ORDER BY issue, subject) AS gaps,
           sum(open_deals) FILTER (WHERE issue = 'provisional') AS open_deals,
           string_agg(subject, ', ' ORDER BY subject) FILTER (WHERE issue = 'provisional' AND open_deals = 0) AS restating
    FROM gap_spans
    GROUP BY target_no
),
-- A count or sum (additive KPI) without any row in its range so far is 0, not unknown: "December new customers
-- 0 of 10" is off track, not "no data". Only when no day of the range has its sources loaded is it unknown.
-- Ratios stay NULL without rows (no denominator).
filled AS (
    SELECT t.target_no,
           CASE WHEN k.additivity = 'Additive' AND COALESCE(c.covered_days, 0) > 0 THEN COALESCE(u.numerator, 0) ELSE u.numerator END AS numerator,
           u.denominator
    FROM targets AS t
    LEFT JOIN mart.kpi_catalog AS k ON k.kpi_id = t.kpi_id
    LEFT JOIN sums AS u ON u.target_no = t.target_no
    LEFT JOIN coverage AS c ON c.target_no = t.target_no
),
base AS (
    SELECT
        t.target_no,
        t.kpi_id,
        k.name                                                                   AS kpi_name,
        k.unit,
        CASE WHEN k.unit = 'Currency' THEN s.reporting_currency END              AS currency,
        k.better_when,
        k.additivity,
        t.segment,
        tf.segment_type,
        t.period_start,
        t.period_end,
        t.target,
        a.as_of_date,
        -- Only additive and ratio-of-sums KPIs can be recomputed over an arbitrary date range.
        COALESCE(t.kpi_known AND k.additivity IN ('Additive', 'RatioOfSums'), false) AS supported,
        u.numerator,
        CASE WHEN k.denominator IS NOT NULL THEN u.denominator END              AS denominator,
        {{kpi_value(u.numerator, u.denominator)}} AS computed,
        CAST(t.period_end - t.period_start + 1 AS INTEGER)                       AS days_total,
        CAST(GREATEST(0, LEAST(t.period_end - t.period_start + 1, a.as_of_date - t.period_start + 1)) AS INTEGER) AS days_elapsed,
        COALESCE(c.covered_days, 0)                                              AS covered_days,
        COALESCE(c.provisional, false)                                           AS provisional,
        {{reporting_date(timezone('UTC', now()))}}                               AS today,
        rs.gaps, rs.open_deals, rs.restating
    FROM targets AS t
    JOIN target_family AS tf ON tf.target_no = t.target_no
    CROSS JOIN as_of AS a
    CROSS JOIN dw.settings AS s
    LEFT JOIN mart.kpi_catalog AS k ON k.kpi_id = t.kpi_id
    LEFT JOIN filled AS u ON u.target_no = t.target_no
    LEFT JOIN coverage AS c ON c.target_no = t.target_no
    LEFT JOIN reasons AS rs ON rs.target_no = t.target_no
),
measured AS (
    SELECT
        b.*,
        CASE WHEN b.supported AND b.days_elapsed > 0 THEN b.computed END        AS actual,
        CASE WHEN b.supported THEN
            CASE WHEN b.additivity = 'Additive' THEN CAST(b.target AS DOUBLE) * b.days_elapsed / b.days_total
                 ELSE CAST(b.target AS DOUBLE) END
        END                                                                      AS expected_to_date
    FROM base AS b
),
projected AS (
    SELECT
        m.*,
        CASE WHEN m.additivity = 'Additive' THEN m.actual * m.days_total / NULLIF(m.days_elapsed, 0)
             ELSE m.actual END                                                   AS projected
    FROM measured AS m
)
SELECT
    p.kpi_id,
    p.kpi_name,
    p.unit,
    p.currency,
    p.better_when,
    p.segment,
    p.segment_type,
    p.period_start,
    p.period_end,
    p.target,
    p.as_of_date,
    p.actual,
    CASE WHEN p.supported THEN p.numerator END                                   AS actual_to_date_numerator,
    CASE WHEN p.supported THEN p.denominator END                                 AS actual_to_date_denominator,
    CASE WHEN p.better_when = 'Lower' THEN CAST(p.target AS DOUBLE) / NULLIF(p.actual, 0)
         ELSE p.actual / NULLIF(CAST(p.target AS DOUBLE), 0) END                 AS pct_achieved,
    p.days_total,
    p.days_elapsed,
    p.expected_to_date,
    p.projected,
    CASE
        WHEN NOT p.supported THEN 'unsupported kpi'
        WHEN p.segment_type IS NULL THEN 'unknown segment'
        WHEN p.days_elapsed = 0 THEN 'not started'
        WHEN p.actual IS NULL THEN 'no data'
        -- Context KPIs have no better side; they count as reached when at or above the target.
        WHEN p.days_elapsed = p.days_total THEN
            CASE WHEN (p.better_when = 'Lower' AND p.actual <= p.target) OR (p.better_when <> 'Lower' AND p.actual >= p.target)
                 THEN 'achieved' ELSE 'missed' END
        ELSE
            CASE WHEN (p.better_when = 'Lower' AND p.projected <= p.target) OR (p.better_when <> 'Lower' AND p.projected >= p.target)
                 THEN 'on track' ELSE 'off track' END
    END                                                                          AS status,
    CAST(p.covered_days AS DOUBLE) / p.days_total                                AS coverage,
    p.covered_days,
    p.days_total                                                                 AS period_days,
    CASE WHEN p.covered_days < p.days_total THEN 'partial' WHEN p.provisional THEN 'provisional' ELSE 'complete' END AS coverage_status,
    NULLIF(concat_ws('; ',
        CASE WHEN p.covered_days < p.days_total AND p.period_end > p.today
             THEN 'period in progress: ' || CAST(greatest(p.today - p.period_start + 1, 0) AS VARCHAR) || ' of ' || CAST(p.days_total AS VARCHAR) || ' days' END,
        CASE WHEN p.covered_days < p.days_total THEN p.gaps END,
        CASE WHEN p.covered_days = p.days_total AND p.provisional THEN
             concat_ws('; ',
                 CASE WHEN p.open_deals > 0 THEN 'provisional: ' || CAST(p.open_deals AS VARCHAR) || ' deals created in the period still open' END,
                 CASE WHEN p.restating IS NOT NULL THEN 'provisional: ' || p.restating || ' may still restate days of the period' END)
        END), '')                                                                AS status_reason
FROM projected AS p;
