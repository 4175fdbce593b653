-- Database roles. Scripts never hold credentials: logins are made by the DBA, and
-- `pipeline migrate --grant-bi-reader <login>` maps one to a user in pipeline_bi_reader.

-- BI tools (Power BI, Metabase, analysts): the star schema and the marts, nothing else. Staging and etl stay
-- invisible; the views still read staging because every schema has the same owner (dbo), so ownership chaining
-- applies and no rights on staging are needed.
IF DATABASE_PRINCIPAL_ID(N'pipeline_bi_reader') IS NULL CREATE ROLE pipeline_bi_reader AUTHORIZATION dbo;
GRANT SELECT ON SCHEMA::dw TO pipeline_bi_reader;
GRANT SELECT ON SCHEMA::mart TO pipeline_bi_reader;
GO

-- The pipeline itself (sync, status, scheduler): loads staging and the etl tables, and redeploys the run-always
-- scripts on every run (staging tables, views), which takes ALTER on the four schemas and CREATE rights. The first
-- migrate, which creates schemas and roles, runs as a member of db_owner.
IF DATABASE_PRINCIPAL_ID(N'pipeline_loader') IS NULL CREATE ROLE pipeline_loader AUTHORIZATION dbo;
GRANT SELECT, INSERT, UPDATE, DELETE, ALTER, EXECUTE, REFERENCES ON SCHEMA::etl TO pipeline_loader;
GRANT SELECT, INSERT, UPDATE, DELETE, ALTER, REFERENCES ON SCHEMA::staging TO pipeline_loader;
GRANT SELECT, INSERT, UPDATE, DELETE, ALTER, REFERENCES ON SCHEMA::dw TO pipeline_loader;
GRANT SELECT, ALTER, REFERENCES ON SCHEMA::mart TO pipeline_loader;
GRANT CREATE TABLE, CREATE VIEW, CREATE FUNCTION, CREATE PROCEDURE TO pipeline_loader;
