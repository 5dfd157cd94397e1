-- Column-aware rebuilds: per task run, the output columns whose values may differ from the
-- previous version (a JSON array of names); NULL when unknown or when the rows themselves changed.
ALTER TABLE scheduler_task_run ADD COLUMN changed_columns VARCHAR(20000);
