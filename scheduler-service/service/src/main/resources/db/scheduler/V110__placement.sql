-- Locality-aware dispatch: the size of each source version and task output (to place a task on the
-- executor holding most of its input bytes), and, per task run, the executor it was placed on
-- (NULL: the shared work queue) and why.
ALTER TABLE scheduler_source_version ADD COLUMN byte_count BIGINT;
ALTER TABLE scheduler_materialization ADD COLUMN byte_count BIGINT;
ALTER TABLE scheduler_task_run ADD COLUMN placed_on VARCHAR(200);
ALTER TABLE scheduler_task_run ADD COLUMN placement VARCHAR(2000);
