SELECT co.n_name, SUM(l.net_price) AS revenue
FROM customer_orders AS co
JOIN priced_lineitem AS l ON l.l_orderkey = co.o_orderkey
JOIN supplier AS s ON s.s_suppkey = l.l_suppkey AND s.s_nationkey = co.n_nationkey
WHERE co.r_name = 'ASIA' AND co.o_orderdate >= DATE '1994-01-01'
  AND co.o_orderdate < DATE '1995-01-01'
GROUP BY co.n_name
