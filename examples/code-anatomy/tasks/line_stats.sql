-- Per-file layout figures from the line index.
SELECT file_id, COUNT(*) AS lines, SUM(byte_len) AS code_bytes, MAX(indent) AS max_indent,
       SUM(CASE WHEN byte_len = 0 THEN 1 ELSE 0 END) AS blank_lines
FROM line_index
GROUP BY file_id
