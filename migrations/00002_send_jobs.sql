-- +goose Up
-- A STOP cancels the subscriber's scheduled sequence jobs; this finds them
-- without scanning the whole queue.
CREATE INDEX river_job_send_step_subscriber ON river_job (((args ->> 'subscriber_id')::bigint))
    WHERE kind = 'send_step' AND state IN ('available', 'scheduled', 'retryable', 'pending');

-- +goose Down
DROP INDEX river_job_send_step_subscriber;
