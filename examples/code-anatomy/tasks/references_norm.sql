SELECT file_id,
       stable_id('ref', file_id || '#' || CAST(ref_id AS VARCHAR)) AS ref_node,
       ref_id, ref_name, line_no, col_no
FROM cst_references
