CREATE VIEW dw.fact_nps_response AS
SELECT n.response_key, n.date, n.score,
       CASE WHEN n.score >= 9 THEN 'promoter' WHEN n.score >= 7 THEN 'passive' ELSE 'detractor' END AS category,
       CASE WHEN n.score >= 9 THEN 1 WHEN n.score >= 7 THEN 0 ELSE -1 END AS nps_points,
       n.channel AS survey_channel
FROM staging.files_nps_responses AS n;
