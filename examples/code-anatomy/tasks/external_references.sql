-- References to the standard library, with the module that provides each name. A join of a
-- file-keyed input with a global dimension: scoped to the changed files while the dimension stays
-- the same, in full when it changed.
SELECT r.file_id, r.ref_node, r.ref_name, r.line_no, x.module_name, x.symbol_kind
FROM references_norm AS r
JOIN external_symbols AS x ON x.symbol_name = r.ref_name
