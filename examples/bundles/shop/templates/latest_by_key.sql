/*---
parameters:
  - {name: source, kind: dataset}
  - {name: keys, kind: column_list}
kind: view
---*/
SELECT DISTINCT {{keys}} FROM {{source}}
