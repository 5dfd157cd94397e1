-- case: projection and filter
SELECT id, status FROM orders WHERE amount > 10
-- case: inner join
SELECT o.id, c.name FROM orders o JOIN customers c ON o.customer_id = c.id
-- case: left join keeps unmatched rows
SELECT o.id, c.name FROM orders o LEFT JOIN customers c ON o.customer_id = c.id
-- case: right join
SELECT o.id, c.id AS cid FROM orders o RIGHT JOIN customers c ON o.customer_id = c.id
-- case: full outer join
SELECT o.id, c.id AS cid FROM orders o FULL OUTER JOIN customers c ON o.customer_id = c.id
-- case: cross join
SELECT c.id, i.sku FROM customers c CROSS JOIN (SELECT DISTINCT sku FROM items) i
-- case: anti join with NOT EXISTS
SELECT c.id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)
-- case: semi join with EXISTS
SELECT c.id FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id)
-- case: semi join with IN
SELECT id FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE region = 'north')
-- case: anti join with NOT IN and nulls
SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders WHERE customer_id IS NOT NULL)
-- case: join with compound condition
SELECT o.id, i.sku FROM orders o JOIN items i ON i.order_id = o.id AND i.file_id = o.file_id AND i.qty > 1
-- case: aggregation with group by
SELECT customer_id, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY customer_id
-- case: aggregation with having
SELECT customer_id, COUNT(*) AS n FROM orders GROUP BY customer_id HAVING COUNT(*) > 1
-- case: count distinct and avg
SELECT status, COUNT(DISTINCT customer_id) AS customers, AVG(amount) AS mean FROM orders GROUP BY status
-- case: global aggregate
SELECT MIN(amount) AS lo, MAX(amount) AS hi, COUNT(amount) AS n FROM orders
-- case: avg of integers is a double
SELECT order_id, AVG(qty) AS mean_qty FROM items GROUP BY order_id
-- case: row_number window
SELECT id, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY ordered_at, id) AS rn FROM orders
-- case: rank and dense_rank
SELECT id, RANK() OVER (ORDER BY amount DESC) AS r, DENSE_RANK() OVER (ORDER BY amount DESC) AS d FROM orders
-- case: running sum window
SELECT id, SUM(amount) OVER (PARTITION BY customer_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run_total FROM orders
-- case: lag and lead
SELECT id, LAG(amount) OVER (ORDER BY id) AS prev_amount, LEAD(amount, 1) OVER (ORDER BY id) AS next_amount FROM orders
-- case: union all
SELECT id AS k FROM orders UNION ALL SELECT id FROM customers
-- case: union distinct
SELECT customer_id AS k FROM orders UNION SELECT id FROM customers
-- case: intersect
SELECT customer_id AS k FROM orders INTERSECT SELECT id FROM customers
-- case: except
SELECT id AS k FROM customers EXCEPT SELECT customer_id FROM orders
-- case: common table expression
WITH big AS (SELECT * FROM orders WHERE amount >= 20) SELECT customer_id, COUNT(*) AS n FROM big GROUP BY customer_id
-- case: two CTEs, one reading the other
WITH a AS (SELECT customer_id, amount FROM orders), b AS (SELECT customer_id, SUM(amount) AS s FROM a GROUP BY customer_id) SELECT * FROM b WHERE s > 15
-- case: correlated scalar subquery
SELECT c.id, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS n FROM customers c
-- case: scalar subquery uncorrelated
SELECT id, amount - (SELECT AVG(amount) FROM orders) AS delta FROM orders
-- case: case when
SELECT id, CASE WHEN amount IS NULL THEN 'unknown' WHEN amount > 20 THEN 'big' ELSE 'small' END AS size FROM orders
-- case: simple case
SELECT id, CASE status WHEN 'paid' THEN 1 WHEN 'open' THEN 0 ELSE -1 END AS code FROM orders
-- case: coalesce and nullif
SELECT id, COALESCE(status, 'none') AS s, NULLIF(status, 'open') AS n FROM orders
-- case: casts
SELECT CAST(id AS VARCHAR) AS sid, CAST(amount AS DOUBLE) AS a, CAST(qty AS BIGINT) AS q FROM orders JOIN items ON items.order_id = orders.id
-- case: string functions
SELECT id, UPPER(name) AS u, LOWER(name) AS l, CHAR_LENGTH(name) AS n, SUBSTRING(name FROM 2 FOR 3) AS s, TRIM(name) AS t FROM customers
-- case: concatenation and library string functions
SELECT id, name || '-' || region AS label, LEFT(name, 2) AS l2, REPLACE(name, 'a', 'A') AS r, POSITION('a' IN name) AS p FROM customers
-- case: like and between
SELECT id FROM customers WHERE name LIKE 'A%' OR id BETWEEN 2 AND 3
-- case: date functions
SELECT id, EXTRACT(YEAR FROM ordered_at) AS y, EXTRACT(MONTH FROM ordered_at) AS m, CAST(ordered_at AS DATE) AS d FROM orders
-- case: timestamp comparison with literal
SELECT id FROM orders WHERE ordered_at >= TIMESTAMP '2026-02-01 00:00:00'
-- case: order by with nulls, limit
SELECT id, amount FROM orders ORDER BY amount, id LIMIT 4
-- case: order by desc nulls last with offset
SELECT id, amount FROM orders ORDER BY amount DESC, id LIMIT 3 OFFSET 1
-- case: explicit nulls first
SELECT id, amount FROM orders ORDER BY amount NULLS FIRST, id LIMIT 3
-- case: integer division is fractional
SELECT order_id, sku, qty / 2 AS half, price / qty AS unit FROM items
-- case: arithmetic and modulo
SELECT order_id, qty * price AS total, MOD(qty, 2) AS odd, ABS(price - 10) AS dist, ROUND(price, 1) AS r FROM items
-- case: catalog function
SELECT id, cents(amount) AS amount_cents FROM orders
-- case: values
SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(n, s)
-- case: distinct
SELECT DISTINCT status FROM orders
-- case: group by expression
SELECT UPPER(status) AS s, COUNT(*) AS n FROM orders GROUP BY UPPER(status)
-- case: derived table with aliases
SELECT x.k, x.total FROM (SELECT customer_id AS k, SUM(amount) AS total FROM orders GROUP BY customer_id) AS x WHERE x.total > 5
-- case: is distinct from and boolean logic
SELECT id FROM orders WHERE (status IS DISTINCT FROM 'paid') AND NOT (amount < 5 OR amount IS NULL)
-- case: quoted identifiers and mixed keyword case
select "o"."id", O.Status as "Status" From orders AS "o" where o.AMOUNT > 10
-- case: bool_and and greatest
SELECT order_id, BOOL_AND(qty > 0) AS all_positive, GREATEST(MAX(qty), 2) AS g FROM items GROUP BY order_id
