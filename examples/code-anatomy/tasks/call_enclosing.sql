-- The innermost definition around each call site (window: shortest span wins).
SELECT file_id, call_node, call_id, callee_name, line_no, arg_count, caller_node
FROM (
  SELECT c.file_id, c.call_node, c.call_id, c.callee_name, c.line_no, c.arg_count,
         d.def_node AS caller_node,
         ROW_NUMBER() OVER (PARTITION BY c.file_id, c.call_id
                            ORDER BY d.span_lines, d.def_id) AS innermost
  FROM call_sites_norm AS c
  JOIN definitions AS d
    ON d.file_id = c.file_id AND c.line_no BETWEEN d.start_line AND d.end_line
) AS ranked
WHERE innermost = 1
