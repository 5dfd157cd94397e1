-- Early cutoff by partition: a task run that rewrote a file-keyed output in full records which file
-- ids' partitions came out different from the previous version (one row each), and the column those
-- file ids are values of; NULL column: unknown (not reported, or too many changed).
ALTER TABLE scheduler_task_run ADD COLUMN changed_partitions_by VARCHAR(512);

CREATE TABLE scheduler_task_run_changed_file (
    run_id   VARCHAR(64)  NOT NULL,
    task     VARCHAR(128) NOT NULL,
    file_id  VARCHAR(512) NOT NULL,
    PRIMARY KEY (run_id, task, file_id)
);
