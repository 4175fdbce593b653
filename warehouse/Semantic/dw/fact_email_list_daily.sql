CREATE VIEW dw.fact_email_list_daily AS
WITH cleaned AS (
    -- The date is computed in a derived table so the GROUP BY can name it on both engines (no GROUP BY ALL in T-SQL);
    -- the count is cast so both publish a 64-bit integer (T-SQL's COUNT is 32-bit).
    SELECT x._account_id, x.list_id, x.date, CAST(COUNT(*) AS BIGINT) AS cleaned
    FROM (
        SELECT m._account_id, m.list_id, {{reporting_date(m.last_changed)}} AS date
        FROM staging.mailchimp_list_members AS m CROSS JOIN dw.settings AS s
        WHERE m.status = 'cleaned' AND m.last_changed IS NOT NULL
    ) AS x
    GROUP BY x._account_id, x.list_id, x.date
)
SELECT
    COALESCE(a.day, c.date)                                          AS date,
    COALESCE(a._account_id, c._account_id)                           AS account_id,
    COALESCE(a.list_id, c.list_id)                                   AS list_id,
    COALESCE(a.subs, 0)                                              AS subs,
    COALESCE(a.other_adds, 0)                                        AS other_adds,
    COALESCE(a.unsubs, 0)                                            AS unsubs,
    COALESCE(a.other_removes, 0)                                     AS other_removes,
    COALESCE(c.cleaned, 0)                                           AS cleaned,
    COALESCE(a.subs, 0) + COALESCE(a.other_adds, 0) - COALESCE(a.unsubs, 0) - COALESCE(a.other_removes, 0) - COALESCE(c.cleaned, 0) AS net_growth,
    COALESCE(a.emails_sent, 0)                                       AS emails_sent
FROM staging.mailchimp_list_activity_daily AS a
FULL OUTER JOIN cleaned AS c ON c._account_id = a._account_id AND c.list_id = a.list_id AND c.date = a.day;
