-- +goose Up
-- Counter changes are appended, not applied: a change now inserts its
-- deltas into counter_deltas (no index, no row to wait for) and the
-- service folds them into counters every few seconds (store.FoldCounters).
-- Readers read counter_sums, which adds the deltas not yet folded, so every
-- figure stays exact at every moment: a delta commits with the change it
-- counts, and a fold moves deltas into counters in one transaction.
-- The triggers and the counters they keep are unchanged (00001, 00005, 00006).
CREATE TABLE counter_deltas (
    name text NOT NULL,
    day  date NOT NULL,   -- '-infinity' for running totals
    n    bigint NOT NULL
);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION bump_many(names text[], days date[], deltas bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO counter_deltas (name, day, n)
    SELECT u.name, u.day, u.delta FROM unnest(names, days, deltas) AS u (name, day, delta);
$$;
-- +goose StatementEnd

CREATE VIEW counter_sums AS
    SELECT name, day, n FROM counters
    UNION ALL
    SELECT name, day, n FROM counter_deltas;

-- +goose Down
SELECT 'down migration not supported: restore from backup';
