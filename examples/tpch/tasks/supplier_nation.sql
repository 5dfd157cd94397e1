SELECT s.s_suppkey, s.s_name, s.s_address, s.s_phone, s.s_acctbal, s.s_comment,
       nr.n_nationkey, nr.n_name, nr.r_name
FROM supplier AS s JOIN nation_region AS nr ON nr.n_nationkey = s.s_nationkey
