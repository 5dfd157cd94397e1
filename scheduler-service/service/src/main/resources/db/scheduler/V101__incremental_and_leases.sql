-- Leases and retry backoff for task attempts; the kind decides whether a task is dispatched.
ALTER TABLE scheduler_task_run ADD COLUMN kind VARCHAR(16) NOT NULL DEFAULT 'compute';
ALTER TABLE scheduler_task_run ADD COLUMN dispatched_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE scheduler_task_run ADD COLUMN heartbeat_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE scheduler_task_run ADD COLUMN not_before TIMESTAMP WITH TIME ZONE;
-- Input versions sent with the current attempt, as JSON {"dataset": version}; they become the
-- materialization's input versions when the attempt succeeds.
ALTER TABLE scheduler_task_run ADD COLUMN input_versions VARCHAR(20000);

-- File ids a scoped task run re-computes (one row each: lists can hold 100,000 ids).
CREATE TABLE scheduler_task_run_file (
    run_id   VARCHAR(64)  NOT NULL,
    task     VARCHAR(128) NOT NULL,
    file_id  VARCHAR(512) NOT NULL,
    PRIMARY KEY (run_id, task, file_id)
);

ALTER TABLE scheduler_materialization ADD COLUMN input_versions VARCHAR(20000);

-- The newest known version of each source dataset (from SourceDataUpdated).
CREATE TABLE scheduler_source_version (
    dataset    VARCHAR(128) PRIMARY KEY,
    version    BIGINT       NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Which file ids each source version changed or removed; whole = the update named no file ids.
CREATE TABLE scheduler_source_update (
    dataset     VARCHAR(128) NOT NULL,
    version     BIGINT       NOT NULL,
    whole       BOOLEAN      NOT NULL,
    received_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (dataset, version)
);

CREATE TABLE scheduler_source_file_change (
    dataset  VARCHAR(128) NOT NULL,
    version  BIGINT       NOT NULL,
    file_id  VARCHAR(512) NOT NULL,
    removed  BOOLEAN      NOT NULL,
    PRIMARY KEY (dataset, version, file_id)
);

CREATE INDEX scheduler_task_run_active ON scheduler_task_run (state);
