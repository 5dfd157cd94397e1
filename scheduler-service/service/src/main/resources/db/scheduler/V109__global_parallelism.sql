-- max-parallel-tasks bounds running tasks across all runs. Every transaction that dispatches locks
-- this one row first, so counting the slots in use and filling them is one step (on H2 and on
-- PostgreSQL, for every replica), and locks are always taken gate first, then runs.
CREATE TABLE scheduler_dispatch_gate (
    id INT PRIMARY KEY
);
INSERT INTO scheduler_dispatch_gate (id) VALUES (1);

-- The slots in use (DISPATCHED and RUNNING of every run) and the waiting READY tasks of every run,
-- by priority: read after each completion.
CREATE INDEX scheduler_task_run_global_state ON scheduler_task_run (state, priority);
