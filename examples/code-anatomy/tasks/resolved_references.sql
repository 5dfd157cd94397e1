-- Resolve each reference to a definition of that name: the same file first, then any file.
SELECT file_id, ref_node, ref_name, line_no, target_node,
       CASE WHEN target_node IS NULL THEN 'unresolved'
            WHEN target_file = file_id THEN 'local' ELSE 'global' END AS resolution
FROM (
  SELECT r.file_id, r.ref_node, r.ref_name, r.line_no, d.def_node AS target_node,
         d.file_id AS target_file,
         ROW_NUMBER() OVER (
           PARTITION BY r.ref_node
           ORDER BY CASE WHEN d.file_id = r.file_id THEN 0 ELSE 1 END, d.file_id, d.def_id
         ) AS preference
  FROM references_norm AS r
  LEFT JOIN definitions AS d ON d.def_name = r.ref_name
) AS candidates
WHERE preference = 1
