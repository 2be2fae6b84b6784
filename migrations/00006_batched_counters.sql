-- +goose Up
-- Each counted row now bumps all its counters in one statement (one
-- multi-row upsert) instead of one statement per counter, and a consent
-- row's two triggers become one. The counters and what they mean are
-- unchanged (see 00001 and 00005).

-- +goose StatementBegin
CREATE FUNCTION bump_many(names text[], days date[], deltas bigint[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO counters (name, day, shard, n)
    SELECT u.name, u.day, (pg_backend_pid() % 64)::smallint, u.delta
    FROM unnest(names, days, deltas) AS u (name, day, delta)
    ON CONFLICT (name, day, shard) DO UPDATE SET n = counters.n + EXCLUDED.n;
$$;

CREATE OR REPLACE FUNCTION count_subscriber_states() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump_many(ARRAY['subscribers.' || NEW.state], ARRAY['-infinity']::date[], ARRAY[1]::bigint[]);
    ELSIF NEW.state IS DISTINCT FROM OLD.state THEN
        PERFORM bump_many(ARRAY['subscribers.' || OLD.state, 'subscribers.' || NEW.state],
                          ARRAY['-infinity', '-infinity']::date[], ARRAY[-1, 1]::bigint[]);
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION count_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_many(ARRAY['messages.' || TG_ARGV[0], 'messages.' || TG_ARGV[0]],
                      ARRAY['-infinity', (now() AT TIME ZONE 'UTC')::date]::date[], ARRAY[1, 1]::bigint[]);
    RETURN NULL;
END;
$$;

-- The ledger's counters and the dashboard's, for one consent row.
CREATE OR REPLACE FUNCTION count_consent_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d date := (NEW.at AT TIME ZONE 'UTC')::date;
    src text;
BEGIN
    IF NEW.to_state = 'active' AND NEW.from_state IS DISTINCT FROM 'active' THEN
        SELECT source INTO src FROM subscribers WHERE id = NEW.subscriber_id;
        PERFORM bump_many(
            ARRAY['consent_events', 'opt_ins.' || NEW.method, 'active.net', 'joined.' || src, 'joined.' || src],
            ARRAY['-infinity', d, d, d, '-infinity']::date[], ARRAY[1, 1, 1, 1, 1]::bigint[]);
    ELSIF NEW.from_state = 'active' AND NEW.to_state = 'stopped' THEN
        PERFORM bump_many(ARRAY['consent_events', 'opt_outs.' || NEW.method, 'active.net'],
                          ARRAY['-infinity', d, d]::date[], ARRAY[1, 1, -1]::bigint[]);
    ELSIF NEW.from_state = 'active' AND NEW.to_state <> 'active' THEN
        PERFORM bump_many(ARRAY['consent_events', 'active.net'], ARRAY['-infinity', d]::date[], ARRAY[1, -1]::bigint[]);
    ELSIF NEW.to_state = 'stopped' AND NEW.from_state IS DISTINCT FROM 'stopped' THEN
        PERFORM bump_many(ARRAY['consent_events', 'opt_outs.' || NEW.method], ARRAY['-infinity', d]::date[], ARRAY[1, 1]::bigint[]);
    ELSE
        PERFORM bump_many(ARRAY['consent_events'], ARRAY['-infinity']::date[], ARRAY[1]::bigint[]);
    END IF;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION count_dashboard_outbound() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d date := (now() AT TIME ZONE 'UTC')::date;
    names text[] := '{}';
    days date[] := '{}';
BEGIN
    -- Replies ride in the TwiML answer: no delivery report comes for them.
    IF NEW.kind = 'reply' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        names := names || ARRAY['sends', 'sends'];
        days := days || ARRAY['-infinity', d]::date[];
        IF NEW.kind = 'step' THEN
            names := names || ('step.' || NEW.step || '.sent');
            days := days || '-infinity'::date;
        END IF;
    END IF;
    IF is_final_status(NEW.status) AND (TG_OP = 'INSERT' OR NOT is_final_status(OLD.status)) THEN
        names := names || ARRAY['delivery.' || NEW.status, 'delivery.' || NEW.status];
        days := days || ARRAY['-infinity', d]::date[];
        IF NEW.kind = 'step' AND NEW.status IN ('delivered', 'read', 'partially_delivered') THEN
            names := names || ('step.' || NEW.step || '.delivered');
            days := days || '-infinity'::date;
        END IF;
    END IF;
    IF cardinality(names) > 0 THEN
        PERFORM bump_many(names, days, array_fill(1::bigint, ARRAY[cardinality(names)]));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

DROP TRIGGER consent_events_dashboard ON consent_events;
DROP FUNCTION count_dashboard_consent();

-- +goose Down
SELECT 'down migration not supported: restore from backup';
