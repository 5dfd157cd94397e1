-- Calls with the definition they most likely reach (same file first).
SELECT file_id, call_node, caller_node, callee_name, callee_node
FROM (
  SELECT c.file_id, c.call_node, c.caller_node, c.callee_name, d.def_node AS callee_node,
         ROW_NUMBER() OVER (
           PARTITION BY c.call_node
           ORDER BY CASE WHEN d.file_id = c.file_id THEN 0 ELSE 1 END, d.file_id, d.def_id
         ) AS preference
  FROM call_enclosing AS c
  LEFT JOIN definitions AS d ON d.def_name = c.callee_name
) AS candidates
WHERE preference = 1
