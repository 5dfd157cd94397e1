SELECT l.l_orderkey, SUM(l.net_price) AS revenue, co.o_orderdate, co.o_shippriority
FROM customer_orders AS co
JOIN priced_lineitem AS l ON l.l_orderkey = co.o_orderkey
WHERE co.c_mktsegment = 'BUILDING' AND co.o_orderdate < DATE '1995-03-15'
  AND l.l_shipdate > DATE '1995-03-15'
GROUP BY l.l_orderkey, co.o_orderdate, co.o_shippriority
