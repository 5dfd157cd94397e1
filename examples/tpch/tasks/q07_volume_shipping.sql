SELECT sn.n_name AS supp_nation, co.n_name AS cust_nation,
       EXTRACT(YEAR FROM l.l_shipdate) AS l_year, SUM(l.net_price) AS revenue
FROM priced_lineitem AS l
JOIN supplier_nation AS sn ON sn.s_suppkey = l.l_suppkey
JOIN customer_orders AS co ON co.o_orderkey = l.l_orderkey
WHERE ((sn.n_name = 'FRANCE' AND co.n_name = 'GERMANY')
    OR (sn.n_name = 'GERMANY' AND co.n_name = 'FRANCE'))
  AND l.l_shipdate BETWEEN DATE '1995-01-01' AND DATE '1996-12-31'
GROUP BY sn.n_name, co.n_name, EXTRACT(YEAR FROM l.l_shipdate)
