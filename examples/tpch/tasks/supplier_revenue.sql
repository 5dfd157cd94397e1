-- Revenue per supplier in 1996 Q1 (the view of TPC-H Q15), materialized for the query below.
SELECT l_suppkey AS supplier_no, SUM(net_price) AS total_revenue
FROM priced_lineitem
WHERE l_shipdate >= DATE '1996-01-01' AND l_shipdate < DATE '1996-04-01'
GROUP BY l_suppkey
