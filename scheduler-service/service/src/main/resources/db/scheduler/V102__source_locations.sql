-- Where each source's newest version lives: the executor that ingested it (Flight DoPut) and its
-- Flight URI, so tasks reading the source can fetch it from there. Empty for data announced by an
-- external system.
ALTER TABLE scheduler_source_version ADD COLUMN executor_id VARCHAR(200);
ALTER TABLE scheduler_source_version ADD COLUMN flight_uri VARCHAR(1000);
