SELECT node_id, COUNT(*) AS copies
FROM cpg_nodes
GROUP BY node_id
HAVING COUNT(*) > 1
