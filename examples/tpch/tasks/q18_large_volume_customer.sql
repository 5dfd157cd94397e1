SELECT co.c_name, co.c_custkey, co.o_orderkey, co.o_orderdate, co.o_totalprice,
       SUM(l.l_quantity) AS total_quantity
FROM customer_orders AS co JOIN lineitem AS l ON co.o_orderkey = l.l_orderkey
WHERE co.o_orderkey IN (SELECT l_orderkey FROM lineitem GROUP BY l_orderkey
                        HAVING SUM(l_quantity) > 300)
GROUP BY co.c_name, co.c_custkey, co.o_orderkey, co.o_orderdate, co.o_totalprice
