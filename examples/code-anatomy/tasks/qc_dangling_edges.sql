-- Edges whose target is not a node (anti join); should be empty.
SELECT e.src, e.dst, e.edge_kind, e.file_id
FROM cpg_edges AS e
LEFT JOIN cpg_nodes AS n ON n.node_id = e.dst
WHERE n.node_id IS NULL
