SELECT country, SUM(cents(amount)) AS revenue_cents, COUNT(*) AS orders
FROM big_orders
GROUP BY country
