-- Tables of the star schema that users edit: migrate seeds them once and never overwrites what users change.
-- T-SQL twin of warehouse/DuckDb/Scripts/Versioned/0002_semantic_settings.sql.

-- Which marketing channel a platform's own label belongs to. GA4 rows keep GA4's default channel group unless a
-- row here names their "source / medium"; every other platform needs a row (unmatched labels land in 'Unassigned').
CREATE TABLE dw.channel_mapping (
    platform     nvarchar(32)  NOT NULL,  -- ga4 (source / medium), meta, mailchimp, hubspot (original source), files (cost/NPS channel)
    source_value nvarchar(200) NOT NULL,  -- the platform's label, matched case-insensitively
    channel      nvarchar(100) NOT NULL,  -- a GA4 default channel group name, or your own
    CONSTRAINT pk_channel_mapping PRIMARY KEY (platform, source_value)
);

INSERT INTO dw.channel_mapping (platform, source_value, channel) VALUES
    (N'meta', N'facebook', N'Paid Social'),
    (N'meta', N'instagram', N'Paid Social'),
    (N'meta', N'audience_network', N'Paid Social'),
    (N'meta', N'messenger', N'Paid Social'),
    (N'meta', N'*', N'Paid Social'),
    (N'mailchimp', N'*', N'Email'),
    (N'hubspot', N'ORGANIC_SEARCH', N'Organic Search'),
    (N'hubspot', N'PAID_SEARCH', N'Paid Search'),
    (N'hubspot', N'PAID_SOCIAL', N'Paid Social'),
    (N'hubspot', N'SOCIAL_MEDIA', N'Organic Social'),
    (N'hubspot', N'EMAIL_MARKETING', N'Email'),
    (N'hubspot', N'REFERRALS', N'Referral'),
    (N'hubspot', N'AI_REFERRALS', N'Referral'),
    (N'hubspot', N'DIRECT_TRAFFIC', N'Direct'),
    (N'hubspot', N'OTHER_CAMPAIGNS', N'Other'),
    (N'hubspot', N'OFFLINE', N'Offline'),
    (N'files', N'podcast', N'Audio'),
    (N'files', N'radio', N'Audio'),
    (N'files', N'print', N'Offline'),
    (N'files', N'events', N'Offline'),
    (N'files', N'influencer', N'Organic Social'),
    (N'files', N'email', N'Email'),
    (N'files', N'google_ads', N'Paid Search'),
    (N'files', N'linkedin_ads', N'Paid Social');

-- GA4 reports country names, Meta ISO 3166 codes; dim_geo joins them through this table.
CREATE TABLE dw.country_codes (
    iso2   nvarchar(2)   NOT NULL CONSTRAINT pk_country_codes PRIMARY KEY,
    name   nvarchar(100) NOT NULL,
    region nvarchar(100) NOT NULL
);

INSERT INTO dw.country_codes (iso2, name, region) VALUES
    (N'AT', N'Austria', N'DACH'), (N'DE', N'Germany', N'DACH'), (N'CH', N'Switzerland', N'DACH'),
    (N'NL', N'Netherlands', N'Europe'), (N'BE', N'Belgium', N'Europe'), (N'LU', N'Luxembourg', N'Europe'),
    (N'FR', N'France', N'Europe'), (N'IT', N'Italy', N'Europe'), (N'ES', N'Spain', N'Europe'), (N'PT', N'Portugal', N'Europe'),
    (N'GB', N'United Kingdom', N'Europe'), (N'IE', N'Ireland', N'Europe'), (N'DK', N'Denmark', N'Europe'),
    (N'SE', N'Sweden', N'Europe'), (N'NO', N'Norway', N'Europe'), (N'FI', N'Finland', N'Europe'), (N'PL', N'Poland', N'Europe'),
    (N'CZ', N'Czechia', N'Europe'), (N'HU', N'Hungary', N'Europe'), (N'GR', N'Greece', N'Europe'), (N'RO', N'Romania', N'Europe'),
    (N'US', N'United States', N'North America'), (N'CA', N'Canada', N'North America'), (N'MX', N'Mexico', N'Latin America'),
    (N'BR', N'Brazil', N'Latin America'), (N'AR', N'Argentina', N'Latin America'),
    (N'AU', N'Australia', N'Oceania'), (N'NZ', N'New Zealand', N'Oceania'),
    (N'JP', N'Japan', N'Asia'), (N'CN', N'China', N'Asia'), (N'IN', N'India', N'Asia'), (N'SG', N'Singapore', N'Asia'),
    (N'KR', N'South Korea', N'Asia'), (N'AE', N'United Arab Emirates', N'Middle East'), (N'IL', N'Israel', N'Middle East'),
    (N'TR', N'Türkiye', N'Europe'), (N'ZA', N'South Africa', N'Africa');

EXEC etl.set_description @schema = N'dw', @object = N'channel_mapping', @text = N'Editable: maps each platform''s own source label to one marketing channel. Seeded once by migrate; your changes are kept.';
EXEC etl.set_description @schema = N'dw', @object = N'country_codes', @text = N'Editable: ISO 3166-1 alpha-2 code, the English name GA4 reports, and a region for segmenting.';
