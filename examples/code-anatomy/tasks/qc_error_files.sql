/*---
kind: view
---*/
SELECT file_id, rel_path, errors, diagnostic_weight FROM file_metrics WHERE errors > 0
