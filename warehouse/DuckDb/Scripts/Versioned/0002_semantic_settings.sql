-- Tables of the star schema that users edit: migrate seeds them once and never overwrites what users change.

-- Which marketing channel a platform's own label belongs to. GA4 rows keep GA4's default channel group unless a
-- row here names their "source / medium"; every other platform needs a row (unmatched labels land in 'Unassigned').
CREATE TABLE dw.channel_mapping (
    platform     VARCHAR NOT NULL,  -- ga4 (source / medium), meta, mailchimp, hubspot (original source), files (cost/NPS channel)
    source_value VARCHAR NOT NULL,  -- the platform's label, matched case-insensitively
    channel      VARCHAR NOT NULL,  -- a GA4 default channel group name, or your own
    PRIMARY KEY (platform, source_value)
);
COMMENT ON TABLE dw.channel_mapping IS 'Editable: maps each platform''s own source label to one marketing channel. Seeded once by migrate; your changes are kept.';

INSERT INTO dw.channel_mapping VALUES
    ('meta', 'facebook', 'Paid Social'),
    ('meta', 'instagram', 'Paid Social'),
    ('meta', 'audience_network', 'Paid Social'),
    ('meta', 'messenger', 'Paid Social'),
    ('meta', '*', 'Paid Social'),
    ('mailchimp', '*', 'Email'),
    ('hubspot', 'ORGANIC_SEARCH', 'Organic Search'),
    ('hubspot', 'PAID_SEARCH', 'Paid Search'),
    ('hubspot', 'PAID_SOCIAL', 'Paid Social'),
    ('hubspot', 'SOCIAL_MEDIA', 'Organic Social'),
    ('hubspot', 'EMAIL_MARKETING', 'Email'),
    ('hubspot', 'REFERRALS', 'Referral'),
    ('hubspot', 'AI_REFERRALS', 'Referral'),
    ('hubspot', 'DIRECT_TRAFFIC', 'Direct'),
    ('hubspot', 'OTHER_CAMPAIGNS', 'Other'),
    ('hubspot', 'OFFLINE', 'Offline'),
    ('files', 'podcast', 'Audio'),
    ('files', 'radio', 'Audio'),
    ('files', 'print', 'Offline'),
    ('files', 'events', 'Offline'),
    ('files', 'influencer', 'Organic Social'),
    ('files', 'email', 'Email'),
    ('files', 'google_ads', 'Paid Search'),
    ('files', 'linkedin_ads', 'Paid Social');

-- GA4 reports country names, Meta ISO 3166 codes; dim_geo joins them through this table.
CREATE TABLE dw.country_codes (
    iso2 VARCHAR NOT NULL PRIMARY KEY,
    name VARCHAR NOT NULL,
    region VARCHAR NOT NULL
);
COMMENT ON TABLE dw.country_codes IS 'Editable: ISO 3166-1 alpha-2 code, the English name GA4 reports, and a region for segmenting.';

INSERT INTO dw.country_codes VALUES
    ('AT', 'Austria', 'DACH'), ('DE', 'Germany', 'DACH'), ('CH', 'Switzerland', 'DACH'),
    ('NL', 'Netherlands', 'Europe'), ('BE', 'Belgium', 'Europe'), ('LU', 'Luxembourg', 'Europe'),
    ('FR', 'France', 'Europe'), ('IT', 'Italy', 'Europe'), ('ES', 'Spain', 'Europe'), ('PT', 'Portugal', 'Europe'),
    ('GB', 'United Kingdom', 'Europe'), ('IE', 'Ireland', 'Europe'), ('DK', 'Denmark', 'Europe'),
    ('SE', 'Sweden', 'Europe'), ('NO', 'Norway', 'Europe'), ('FI', 'Finland', 'Europe'), ('PL', 'Poland', 'Europe'),
    ('CZ', 'Czechia', 'Europe'), ('HU', 'Hungary', 'Europe'), ('GR', 'Greece', 'Europe'), ('RO', 'Romania', 'Europe'),
    ('US', 'United States', 'North America'), ('CA', 'Canada', 'North America'), ('MX', 'Mexico', 'Latin America'),
    ('BR', 'Brazil', 'Latin America'), ('AR', 'Argentina', 'Latin America'),
    ('AU', 'Australia', 'Oceania'), ('NZ', 'New Zealand', 'Oceania'),
    ('JP', 'Japan', 'Asia'), ('CN', 'China', 'Asia'), ('IN', 'India', 'Asia'), ('SG', 'Singapore', 'Asia'),
    ('KR', 'South Korea', 'Asia'), ('AE', 'United Arab Emirates', 'Middle East'), ('IL', 'Israel', 'Middle East'),
    ('TR', 'Türkiye', 'Europe'), ('ZA', 'South Africa', 'Africa');
