CREATE VIEW dw.fact_web_users_daily AS
SELECT t.date, t._account_id AS account_id, t.session_default_channel_group AS channel,
       t.total_users, t.new_users, t.active_users
FROM staging.ga4_users_daily AS t;
