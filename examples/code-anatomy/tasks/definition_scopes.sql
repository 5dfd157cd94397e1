-- Each definition with its enclosing definition (left join: top-level ones have none).
SELECT d.file_id, d.def_node, d.def_id, d.def_name, d.def_kind, d.start_line, d.end_line,
       d.span_lines, p.def_node AS parent_node,
       CASE WHEN p.def_name IS NULL THEN d.def_name ELSE p.def_name || '.' || d.def_name END
         AS qualified_name,
       CASE WHEN p.def_name IS NULL THEN 0 ELSE 1 END AS nesting
FROM definitions AS d
LEFT JOIN definitions AS p ON p.file_id = d.file_id AND p.def_id = d.parent_def_id
