/*---
kind: view
---*/
SELECT n.n_nationkey, n.n_name, r.r_regionkey, r.r_name
FROM nation AS n JOIN region AS r ON n.n_regionkey = r.r_regionkey
