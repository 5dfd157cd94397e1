-- Referenced symbols that no file defines (anti join).
SELECT s.file_id, s.symbol_name, s.line_no
FROM symbol_occurrences AS s
WHERE s.occ_role = 'ref'
  AND NOT EXISTS (SELECT 1 FROM cst_definitions AS d WHERE d.def_name = s.symbol_name)
