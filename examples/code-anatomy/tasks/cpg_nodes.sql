-- Every node of the code property graph (union of files, definitions, imports and calls).
SELECT file_node AS node_id, 'file' AS node_kind, rel_path AS label, file_id FROM norm_files
UNION ALL
SELECT def_node, def_kind, qualified_name, file_id FROM definition_scopes
UNION ALL
SELECT import_node, 'import', module_name, file_id FROM import_edges
UNION ALL
SELECT call_node, 'call', callee_name, file_id FROM resolved_calls
