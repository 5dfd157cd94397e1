SELECT 100.00 * SUM(CASE WHEN p.p_type LIKE 'PROMO%' THEN l.net_price ELSE 0 END)
       / SUM(l.net_price) AS promo_revenue
FROM priced_lineitem AS l JOIN part AS p ON l.l_partkey = p.p_partkey
WHERE l.l_shipdate >= DATE '1995-09-01' AND l.l_shipdate < DATE '1995-10-01'
