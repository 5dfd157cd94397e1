-- Imports resolved to the file that defines the module (left join: external modules stay open).
SELECT i.file_id, i.import_node, i.module_name, i.bound_name, f.file_id AS target_file_id,
       f.file_node AS target_file_node
FROM imports_norm AS i
LEFT JOIN norm_files AS f ON f.module_name = i.module_name
