-- Files ranked by structural complexity and diagnostics (window over joined metrics).
SELECT f.file_id, f.rel_path, f.definitions, f.calls, f.errors,
       COALESCE(g.fan_in, 0) AS fan_in,
       f.max_span + 2 * f.calls + f.diagnostic_weight + COALESCE(g.fan_in, 0) AS score,
       DENSE_RANK() OVER (
         ORDER BY f.max_span + 2 * f.calls + f.diagnostic_weight + COALESCE(g.fan_in, 0) DESC
       ) AS hotspot_rank
FROM file_metrics AS f
LEFT JOIN (SELECT file_id, SUM(in_degree) AS fan_in FROM node_degrees GROUP BY file_id) AS g
  ON g.file_id = f.file_id
