-- +goose Up

-- A state change is counted once, by its ledger row. Every change of a
-- subscriber's state writes its consent_events row in the same statement
-- (store.ChangeState, the only writer of subscribers.state), so the
-- ledger's trigger keeps the subscribers.<state> totals too, and the
-- subscribers table needs no counting trigger of its own: a JOIN fires one
-- trigger fewer. The counters and what they mean are unchanged.
DROP TRIGGER subscribers_count ON subscribers;
DROP FUNCTION count_subscriber_states();

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION count_consent_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d date := (NEW.at AT TIME ZONE 'UTC')::date;
    names text[] := ARRAY['consent_events'];
    days date[] := ARRAY['-infinity']::date[];
    deltas bigint[] := ARRAY[1]::bigint[];
    src text;
BEGIN
    -- The state totals: the number leaves one state and enters another.
    IF NEW.from_state IS DISTINCT FROM NEW.to_state THEN
        IF NEW.from_state IS NOT NULL THEN
            names := names || ('subscribers.' || NEW.from_state);
            days := days || '-infinity'::date;
            deltas := deltas || -1::bigint;
        END IF;
        names := names || ('subscribers.' || NEW.to_state);
        days := days || '-infinity'::date;
        deltas := deltas || 1::bigint;
    END IF;
    -- Opt-ins, opt-outs and the active trend, as before.
    IF NEW.to_state = 'active' AND NEW.from_state IS DISTINCT FROM 'active' THEN
        SELECT source INTO src FROM subscribers WHERE id = NEW.subscriber_id;
        names := names || ARRAY['opt_ins.' || NEW.method, 'active.net', 'joined.' || src, 'joined.' || src];
        days := days || ARRAY[d, d, d, '-infinity']::date[];
        deltas := deltas || ARRAY[1, 1, 1, 1]::bigint[];
    ELSIF NEW.from_state = 'active' AND NEW.to_state = 'stopped' THEN
        names := names || ARRAY['opt_outs.' || NEW.method, 'active.net'];
        days := days || ARRAY[d, d]::date[];
        deltas := deltas || ARRAY[1, -1]::bigint[];
    ELSIF NEW.from_state = 'active' AND NEW.to_state <> 'active' THEN
        names := names || 'active.net'::text;
        days := days || d;
        deltas := deltas || -1::bigint;
    ELSIF NEW.to_state = 'stopped' AND NEW.from_state IS DISTINCT FROM 'stopped' THEN
        names := names || ('opt_outs.' || NEW.method);
        days := days || d;
        deltas := deltas || 1::bigint;
    END IF;
    INSERT INTO counter_deltas (name, day, n) SELECT * FROM unnest(names, days, deltas);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- Nothing reads the ledger by time alone (figures come from the counters);
-- the index only cost every ledger row an insert.
DROP INDEX consent_events_at;

-- +goose Down
SELECT 'down migration not supported: restore from backup';
