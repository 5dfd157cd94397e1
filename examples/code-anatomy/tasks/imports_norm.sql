SELECT file_id,
       stable_id('import', file_id || '#' || CAST(import_id AS VARCHAR)) AS import_node,
       import_id, module_name, COALESCE(alias_name, module_name) AS bound_name, line_no
FROM cst_imports
