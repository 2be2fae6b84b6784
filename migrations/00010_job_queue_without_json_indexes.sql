-- +goose Up
-- River's GIN indexes on river_job.args and river_job.metadata serve only
-- searches by argument or metadata, which nothing here makes (a STOP finds
-- its jobs through river_job_send_step_subscriber). Every job insert, fetch
-- and completion paid for them: a state change cannot be a HOT update, so
-- each one added GIN entries again. The service tells River's reindexer to
-- leave them out (sending.reindexed).
DROP INDEX IF EXISTS river_job_args_index;
DROP INDEX IF EXISTS river_job_metadata_index;

-- +goose Down
CREATE INDEX IF NOT EXISTS river_job_args_index ON river_job USING GIN (args);
CREATE INDEX IF NOT EXISTS river_job_metadata_index ON river_job USING GIN (metadata);
