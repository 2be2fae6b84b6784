-- +goose Up
-- Counter rows are locked from a transaction's commit until its WAL is on
-- disk. With 64 shards, concurrent connections collided often (pid % 64)
-- and queued behind each other's fsync; 1021 shards make that rare.
-- Readers already sum over shards, and the periodic compaction folds
-- past days' shards into one row.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION bump_many(names text[], days date[], deltas bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO counters (name, day, shard, n)
    SELECT u.name, u.day, (pg_backend_pid() % 1021)::smallint, u.delta
    FROM unnest(names, days, deltas) AS u (name, day, delta)
    ON CONFLICT (name, day, shard) DO UPDATE SET n = counters.n + EXCLUDED.n;
$$;
CREATE OR REPLACE FUNCTION bump(counter text, d date, delta bigint) RETURNS void LANGUAGE sql AS $$
    SELECT bump_many(ARRAY[counter], ARRAY[d], ARRAY[delta]);
$$;
-- +goose StatementEnd

-- +goose Down
SELECT 'down migration not supported: restore from backup';
