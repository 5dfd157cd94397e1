SELECT sn.n_name AS nation, EXTRACT(YEAR FROM o.o_orderdate) AS o_year,
       SUM(l.net_price - ps.ps_supplycost * l.l_quantity) AS sum_profit
FROM priced_lineitem AS l
JOIN part AS p ON p.p_partkey = l.l_partkey
JOIN partsupp AS ps ON ps.ps_partkey = l.l_partkey AND ps.ps_suppkey = l.l_suppkey
JOIN supplier_nation AS sn ON sn.s_suppkey = l.l_suppkey
JOIN orders AS o ON o.o_orderkey = l.l_orderkey
WHERE p.p_name LIKE '%green%'
GROUP BY sn.n_name, EXTRACT(YEAR FROM o.o_orderdate)
