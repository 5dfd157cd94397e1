-- Orders with their customer and the customer's nation: an intermediate several queries read.
SELECT o.o_orderkey, o.o_orderdate, o.o_orderpriority, o.o_shippriority, o.o_orderstatus,
       o.o_totalprice, c.c_custkey, c.c_name, c.c_mktsegment, c.c_acctbal, c.c_address, c.c_phone,
       c.c_comment, nr.n_nationkey, nr.n_name, nr.r_name
FROM orders AS o
JOIN customer AS c ON c.c_custkey = o.o_custkey
JOIN nation_region AS nr ON nr.n_nationkey = c.c_nationkey
