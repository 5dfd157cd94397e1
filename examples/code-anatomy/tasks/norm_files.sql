/*---
kind: view
---*/
-- Files with a normalized language and a node id; inlined into every reader.
SELECT file_id, stable_id('file', file_id) AS file_node, rel_path, module_name,
       LOWER(lang) AS lang, size_bytes, line_count, content_hash
FROM files
