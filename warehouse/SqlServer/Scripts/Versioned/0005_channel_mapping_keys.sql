-- dw.channel_mapping keyed case-insensitively whatever the database collation (warehouse/SEMANTICS.md, "Segment
-- keys"): a persisted normalised key (lower case, no surrounding spaces) with a unique index, so PAID_SOCIAL cannot
-- sit beside paid_social even on a case-sensitive database. DuckDB stores the labels normalised instead.
ALTER TABLE dw.channel_mapping ADD
    platform_key AS LOWER(LTRIM(RTRIM(platform))) PERSISTED,
    source_key   AS LOWER(LTRIM(RTRIM(source_value))) PERSISTED;
GO
CREATE UNIQUE INDEX ux_channel_mapping_key ON dw.channel_mapping (platform_key, source_key);
-- Their descriptions come from warehouse/Core/ColumnGlossary.cs (platform_key, source_key), attached after every migrate.
