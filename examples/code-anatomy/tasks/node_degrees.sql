-- In- and out-degree of every node (left joins: isolated nodes have zero).
SELECT n.node_id, n.node_kind, n.file_id,
       COALESCE(o.out_degree, 0) AS out_degree, COALESCE(i.in_degree, 0) AS in_degree
FROM cpg_nodes AS n
LEFT JOIN (SELECT src, COUNT(*) AS out_degree FROM cpg_edges GROUP BY src) AS o
  ON o.src = n.node_id
LEFT JOIN (SELECT dst, COUNT(*) AS in_degree FROM cpg_edges GROUP BY dst) AS i
  ON i.dst = n.node_id
