SELECT co.c_custkey, co.c_name, SUM(l.net_price) AS revenue, co.c_acctbal, co.n_name,
       co.c_address, co.c_phone, co.c_comment
FROM customer_orders AS co
JOIN priced_lineitem AS l ON l.l_orderkey = co.o_orderkey
WHERE co.o_orderdate >= DATE '1993-10-01' AND co.o_orderdate < DATE '1994-01-01'
  AND l.l_returnflag = 'R'
GROUP BY co.c_custkey, co.c_name, co.c_acctbal, co.c_phone, co.n_name, co.c_address,
         co.c_comment
