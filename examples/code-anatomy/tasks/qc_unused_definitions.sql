-- Functions nothing calls or references.
SELECT d.file_id, d.def_node, d.qualified_name
FROM definition_scopes AS d
JOIN node_degrees AS n ON n.node_id = d.def_node
WHERE d.def_kind = 'function' AND n.in_degree = 1
  AND NOT EXISTS (SELECT 1 FROM resolved_references AS r WHERE r.target_node = d.def_node)
