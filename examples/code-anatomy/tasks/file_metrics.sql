-- One row per file: size, structure and diagnostics.
SELECT f.file_id, f.rel_path, f.lang, f.line_count,
       COALESCE(l.blank_lines, 0) AS blank_lines, COALESCE(l.max_indent, 0) AS max_indent,
       COALESCE(d.definitions, 0) AS definitions, COALESCE(d.max_span, 0) AS max_span,
       COALESCE(c.calls, 0) AS calls,
       COALESCE(g.errors, 0) AS errors, COALESCE(g.diagnostic_weight, 0) AS diagnostic_weight
FROM norm_files AS f
LEFT JOIN line_stats AS l ON l.file_id = f.file_id
LEFT JOIN (SELECT file_id, COUNT(*) AS definitions, MAX(span_lines) AS max_span
           FROM definitions GROUP BY file_id) AS d ON d.file_id = f.file_id
LEFT JOIN (SELECT file_id, COUNT(*) AS calls FROM call_enclosing GROUP BY file_id) AS c
  ON c.file_id = f.file_id
LEFT JOIN (SELECT file_id, SUM(CASE WHEN severity = 'ERROR' THEN 1 ELSE 0 END) AS errors,
                  SUM(weight) AS diagnostic_weight
           FROM diagnostics_norm GROUP BY file_id) AS g ON g.file_id = f.file_id
