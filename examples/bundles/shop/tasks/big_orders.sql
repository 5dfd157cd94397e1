/*---
kind: materialization
priority: 10
cachePolicy: persistent
metadata:
  owner: sales-analytics
---*/
-- Orders above 100, with the customer's country.
SELECT o.order_id, o.amount, c.country
FROM orders AS o
JOIN customers AS c ON o.customer_id = c.customer_id
WHERE o.amount > 100
