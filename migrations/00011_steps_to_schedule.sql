-- +goose Up
-- A step, once sent, owes the next: the send's transaction writes a row
-- here, with its COMMIT, and every serve turns the rows into River jobs
-- many at a time, deleting them in the same transaction
-- (sending.ScheduleOwed). A row lives a fraction of a second. No index and
-- no foreign key: each send writes one row and nothing looks one up but a
-- STOP, which scans the few there are.
CREATE TABLE steps_to_schedule (
    subscriber_id bigint      NOT NULL,
    subscription  timestamptz NOT NULL, -- the opt-in the step belongs to
    step          integer     NOT NULL
);

-- +goose Down
DROP TABLE steps_to_schedule;
