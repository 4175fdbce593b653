-- dw.channel_mapping keyed case-insensitively (warehouse/SEMANTICS.md, "Segment keys"): a platform label is stored
-- normalised (lower case, no surrounding spaces), so the primary key cannot hold PAID_SOCIAL beside paid_social, whose
-- case-insensitive join would match a contact or deal twice. The table is rebuilt with normalised rows; rows that
-- differ only in case or spaces and agree on the channel collapse into one, rows that disagree stop the migration
-- with the labels to fix. Labels added later are normalised by Views/0050_channel_mapping_keys.sql on every migrate.
-- No CHECK constraints: DuckDB cannot replay a write-ahead log whose CREATE TABLE has a CHECK calling a function
-- (lower, trim), so a crash before the next checkpoint would leave a warehouse that does not open.
SELECT error('dw.channel_mapping maps a label to two channels when case and surrounding spaces are ignored; keep one row for: '
             || string_agg(label, '; ' ORDER BY label))
FROM (
    SELECT lower(trim(platform)) || ' / ' || lower(trim(source_value)) AS label
    FROM dw.channel_mapping
    GROUP BY lower(trim(platform)), lower(trim(source_value))
    HAVING count(DISTINCT channel) > 1
) AS clashes
HAVING count(*) > 0;

CREATE TABLE dw.channel_mapping_normalised (
    platform     VARCHAR NOT NULL,   -- ga4, meta, mailchimp, hubspot, files, google_ads
    source_value VARCHAR NOT NULL,   -- the platform's label, lower case
    channel      VARCHAR NOT NULL,   -- a GA4 default channel group name, or your own
    PRIMARY KEY (platform, source_value)
);
INSERT INTO dw.channel_mapping_normalised
SELECT DISTINCT lower(trim(platform)), lower(trim(source_value)), channel FROM dw.channel_mapping;
DROP TABLE dw.channel_mapping;
ALTER TABLE dw.channel_mapping_normalised RENAME TO channel_mapping;
COMMENT ON TABLE dw.channel_mapping IS 'Editable: maps each platform''s own source label (stored lower case, matched case-insensitively) to one marketing channel. Seeded once by migrate; your changes are kept.';
