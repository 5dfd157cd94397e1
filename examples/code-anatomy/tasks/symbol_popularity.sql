-- How often each symbol is defined and referenced, ranked (window over the aggregate).
SELECT symbol_name, definitions, references_count,
       RANK() OVER (ORDER BY references_count DESC, symbol_name) AS popularity_rank
FROM (
  SELECT symbol_name,
         SUM(CASE WHEN occ_role = 'def' THEN 1 ELSE 0 END) AS definitions,
         SUM(CASE WHEN occ_role = 'ref' THEN 1 ELSE 0 END) AS references_count
  FROM symbol_occurrences
  GROUP BY symbol_name
) AS counts
