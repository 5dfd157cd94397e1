-- After each completion the scheduler counts a run's in-flight and unfinished tasks and reads its
-- READY ones: by state, through this index, instead of reading every task row of the run.
CREATE INDEX scheduler_task_run_by_state ON scheduler_task_run (run_id, state);
