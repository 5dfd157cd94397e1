/*---
priority: 10
---*/
-- One row per check with its violation count.
SELECT 'dangling_edges' AS check_name, COUNT(*) AS violations FROM qc_dangling_edges
UNION ALL
SELECT 'duplicate_nodes', COUNT(*) FROM qc_duplicate_nodes
UNION ALL
SELECT 'unused_definitions', COUNT(*) FROM qc_unused_definitions
UNION ALL
SELECT 'files_with_errors', COUNT(*) FROM qc_error_files
UNION ALL
SELECT 'unresolved_symbols', COUNT(*) FROM unresolved_symbols
