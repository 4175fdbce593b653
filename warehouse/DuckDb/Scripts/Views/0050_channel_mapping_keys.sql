-- Every migrate (so every sync) keeps dw.channel_mapping keyed case-insensitively: labels a user added in another case
-- or with surrounding spaces are stored normalised, variants that agree on the channel become one row, and variants
-- that disagree stop the migration naming the labels to fix (warehouse/SEMANTICS.md, "Segment keys").
SELECT error('dw.channel_mapping maps a label to two channels when case and surrounding spaces are ignored; keep one row for: '
             || string_agg(label, '; ' ORDER BY label))
FROM (
    SELECT lower(trim(platform)) || ' / ' || lower(trim(source_value)) AS label
    FROM dw.channel_mapping
    GROUP BY lower(trim(platform)), lower(trim(source_value))
    HAVING count(DISTINCT channel) > 1
) AS clashes
HAVING count(*) > 0;

INSERT INTO dw.channel_mapping
SELECT DISTINCT lower(trim(m.platform)), lower(trim(m.source_value)), m.channel
FROM dw.channel_mapping AS m
WHERE (m.platform <> lower(trim(m.platform)) OR m.source_value <> lower(trim(m.source_value)))
  AND NOT EXISTS (SELECT 1 FROM dw.channel_mapping AS n
                  WHERE n.platform = lower(trim(m.platform)) AND n.source_value = lower(trim(m.source_value)));

DELETE FROM dw.channel_mapping
WHERE platform <> lower(trim(platform)) OR source_value <> lower(trim(source_value));
