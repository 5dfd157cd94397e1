-- Every edge: containment, nesting, calls, imports and resolved references.
SELECT stable_id('file', file_id) AS src, def_node AS dst, 'contains' AS edge_kind, file_id
FROM definition_scopes WHERE parent_node IS NULL
UNION ALL
SELECT parent_node, def_node, 'declares', file_id FROM definition_scopes
WHERE parent_node IS NOT NULL
UNION ALL
SELECT caller_node, call_node, 'calls', file_id FROM resolved_calls
UNION ALL
SELECT call_node, callee_node, 'invokes', file_id FROM resolved_calls
WHERE callee_node IS NOT NULL
UNION ALL
SELECT stable_id('file', file_id), import_node, 'imports', file_id FROM import_edges
UNION ALL
SELECT import_node, target_file_node, 'resolves_to', file_id FROM import_edges
WHERE target_file_node IS NOT NULL
UNION ALL
SELECT stable_id('file', file_id), target_node, 'references', file_id FROM resolved_references
WHERE resolution = 'global'
