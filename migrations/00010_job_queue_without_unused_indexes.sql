-- +goose Up
-- River's indexes on river_job.args and river_job.metadata (GIN) and on
-- river_job.kind serve searches by argument, metadata or kind: River's UI
-- and its test helpers. Nothing here makes them (a STOP finds its jobs
-- through river_job_send_step_subscriber; River fetches by state, queue
-- and time). Every job insert, fetch and completion paid for them: a state
-- change cannot be a HOT update, so each one added entries to every index
-- again. The service tells River's reindexer to leave them out
-- (sending.reindexed).
--
-- Before a River upgrade whose migrations alter these indexes, apply this
-- migration's Down.
DROP INDEX IF EXISTS river_job_args_index;
DROP INDEX IF EXISTS river_job_metadata_index;
DROP INDEX IF EXISTS river_job_kind;

-- +goose Down
CREATE INDEX IF NOT EXISTS river_job_args_index ON river_job USING GIN (args);
CREATE INDEX IF NOT EXISTS river_job_metadata_index ON river_job USING GIN (metadata);
CREATE INDEX IF NOT EXISTS river_job_kind ON river_job (kind);
