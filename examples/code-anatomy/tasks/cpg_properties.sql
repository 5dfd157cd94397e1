-- Node properties as key/value rows.
SELECT def_node AS node_id, 'span_lines' AS prop_key, CAST(span_lines AS VARCHAR) AS prop_value,
       file_id
FROM definition_scopes
UNION ALL
SELECT def_node, 'start_line', CAST(start_line AS VARCHAR), file_id FROM definition_scopes
UNION ALL
SELECT file_node, 'lang', lang, file_id FROM norm_files
UNION ALL
SELECT file_node, 'content_hash', content_hash, file_id FROM norm_files
