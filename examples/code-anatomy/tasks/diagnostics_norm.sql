/*---
kind: view
---*/
SELECT file_id, diag_id, line_no, UPPER(severity) AS severity, diag_code, diag_message,
       CASE UPPER(severity) WHEN 'ERROR' THEN 10 WHEN 'WARNING' THEN 3 ELSE 1 END AS weight
FROM diagnostics
