SELECT file_id,
       stable_id('call', file_id || '#' || CAST(call_id AS VARCHAR)) AS call_node,
       call_id, callee_name, line_no, arg_count
FROM cst_call_sites
