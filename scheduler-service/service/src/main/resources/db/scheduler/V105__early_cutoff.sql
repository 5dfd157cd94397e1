-- Early cutoff by content: the content hash of each materialized output (from TaskRunSucceeded),
-- and, per task run, the earlier version whose content its new version equals.
ALTER TABLE scheduler_materialization ADD COLUMN content_hash VARCHAR(64);
ALTER TABLE scheduler_task_run ADD COLUMN content_same_as BIGINT;
