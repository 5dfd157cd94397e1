-- When a task first found a source input unreachable: it waits for the holder within a window.
ALTER TABLE scheduler_task_run ADD COLUMN input_wait_since TIMESTAMP WITH TIME ZONE;
