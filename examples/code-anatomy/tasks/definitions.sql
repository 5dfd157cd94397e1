-- Definitions with stable node ids and their line span.
SELECT file_id,
       stable_id('def', file_id || '#' || CAST(def_id AS VARCHAR)) AS def_node,
       def_id, def_name, def_kind, start_line, end_line,
       end_line - start_line + 1 AS span_lines, parent_def_id
FROM cst_definitions
