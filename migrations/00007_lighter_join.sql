-- +goose Up

-- A lighter JOIN. Each of these cost every JOIN work that guarded nothing
-- the statements themselves do not already guarantee.
--
-- 1. No counting trigger on the inbound path. A deferred counting trigger
--    cost every row it counted a function call and an INSERT of its own at
--    COMMIT: a JOIN fired three. The statements that write those rows now
--    append their counter deltas themselves; the counters and what they
--    mean are unchanged.
--
--    A change of state: store.ChangeState, the only writer of
--    subscribers.state and of the ledger, appends the deltas of the change
--    in the statement that writes its ledger row, from state_change_deltas
--    below (the rules count_consent_events kept, as a set the planner
--    inlines; a per-day counter counts on the UTC day of the ledger row's
--    at). The ledger stays append-only.
--
--    A message a person sends: store.RecordInbound, the only writer of
--    inbound_messages, appends messages.inbound, and messages.outbound for
--    the reply carried in its TwiML answer.
--
--    count_outbound still counts every other outbound row (sends, their
--    delivery reports, sequence steps).
--
--    And fewer deltas: a counter kept both per day and in all
--    (keeps_total: joined.<source>, messages.*, sends, delivery.<status>)
--    gets one delta, on its day, which counts toward its total too: the
--    fold adds it to both rows of counters, and counter_sums adds it to
--    both as it reads. A JOIN appends seven deltas, not ten.
--
-- 2. A reply carried in the TwiML answer is recorded on the message it
--    answers (inbound_messages.reply_name and reply_twiml, as it always
--    was), not again as an outbound row of kind 'reply': nothing read those
--    rows but the count. The rows already written stay; new ones are
--    refused.
--
-- 3. No foreign keys from the ledger and the message tables to
--    subscribers. Every row of those tables takes its subscriber_id from a
--    subscriber row locked or written in the same transaction (the ledger
--    row from the very statement that writes the subscriber), and a
--    subscriber row is never deleted (the trigger below refuses it), so the
--    keys could not fail; each check cost a JOIN a lookup and a row lock,
--    written to the WAL. pgtest.CheckReferences checks the references
--    instead, after a history of every kind of change
--    (TestCountersMatchHistory) and after concurrent texts and sends.

DROP TRIGGER inbound_messages_count ON inbound_messages;
DROP FUNCTION count_inbound();
DROP TRIGGER consent_events_count ON consent_events;
DROP FUNCTION count_consent_events();

-- +goose StatementBegin
CREATE FUNCTION state_change_deltas(from_state subscriber_state, to_state subscriber_state, method text, source text, at timestamptz)
RETURNS TABLE (name text, day date, n bigint) LANGUAGE sql IMMUTABLE AS $$
    SELECT v.name, v.day, v.n
    FROM (VALUES
        -- Every ledger row.
        (true, 'consent_events', '-infinity'::date, 1::bigint),
        -- The state totals: the number leaves one state and enters another.
        (from_state IS NOT NULL AND from_state <> to_state, 'subscribers.' || from_state, '-infinity', -1),
        (from_state IS DISTINCT FROM to_state, 'subscribers.' || to_state, '-infinity', 1),
        -- A subscription begins: an opt-in, by where the person came from.
        (to_state = 'active' AND from_state IS DISTINCT FROM 'active', 'opt_ins.' || method, (at AT TIME ZONE 'UTC')::date, 1),
        (to_state = 'active' AND from_state IS DISTINCT FROM 'active', 'active.net', (at AT TIME ZONE 'UTC')::date, 1),
        (to_state = 'active' AND from_state IS DISTINCT FROM 'active', 'joined.' || source, (at AT TIME ZONE 'UTC')::date, 1),
        -- A subscription ends.
        (from_state = 'active' AND to_state <> 'active', 'active.net', (at AT TIME ZONE 'UTC')::date, -1),
        -- An opt-out, from any other state.
        (to_state = 'stopped' AND from_state IS DISTINCT FROM 'stopped', 'opt_outs.' || method, (at AT TIME ZONE 'UTC')::date, 1)
    ) AS v (counted, name, day, n)
    WHERE v.counted
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION keeps_total(name text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT name LIKE 'joined.%' OR name LIKE 'messages.%' OR name = 'sends' OR name LIKE 'delivery.%';
$$;
-- +goose StatementEnd

CREATE OR REPLACE VIEW counter_sums AS
    SELECT name, day, n FROM counters
    UNION ALL
    SELECT name, day, n FROM counter_deltas
    UNION ALL
    SELECT name, '-infinity', n FROM counter_deltas WHERE day <> '-infinity' AND keeps_total(name);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION count_outbound() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d date := (now() AT TIME ZONE 'UTC')::date;
    names text[] := '{}';
    days date[] := '{}';
BEGIN
    IF TG_OP = 'INSERT' THEN
        names := ARRAY['messages.outbound', 'sends'];
        days := ARRAY[d, d];
        IF NEW.kind = 'step' THEN
            names := names || ('step.' || NEW.step || '.sent');
            days := days || '-infinity'::date;
        END IF;
    END IF;
    IF is_final_status(NEW.status) AND (TG_OP = 'INSERT' OR NOT is_final_status(OLD.status)) THEN
        names := names || ('delivery.' || NEW.status);
        days := days || d;
        IF NEW.kind = 'step' AND NEW.status IN ('delivered', 'read', 'partially_delivered') THEN
            names := names || ('step.' || NEW.step || '.delivered');
            days := days || '-infinity'::date;
        END IF;
    END IF;
    IF cardinality(names) > 0 THEN
        INSERT INTO counter_deltas (name, day, n)
        SELECT u.name, u.day, 1 FROM unnest(names, days) AS u (name, day);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

ALTER TABLE outbound_messages ADD CONSTRAINT outbound_messages_no_new_replies CHECK (kind <> 'reply') NOT VALID;
DROP TRIGGER outbound_messages_count ON outbound_messages;
CREATE CONSTRAINT TRIGGER outbound_messages_count AFTER INSERT OR UPDATE OF status ON outbound_messages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.kind <> 'reply') EXECUTE FUNCTION count_outbound();

-- Replies had no carrier SID, and a send has none until the carrier
-- answers: index only the SIDs there are. Lookups by SID (twilio_sid = $1)
-- use the partial index.
ALTER TABLE outbound_messages DROP CONSTRAINT outbound_messages_twilio_sid_key;
CREATE UNIQUE INDEX outbound_messages_twilio_sid ON outbound_messages (twilio_sid) WHERE twilio_sid IS NOT NULL;

ALTER TABLE consent_events DROP CONSTRAINT consent_events_subscriber_id_fkey;
ALTER TABLE inbound_messages DROP CONSTRAINT inbound_messages_subscriber_id_fkey;
ALTER TABLE outbound_messages DROP CONSTRAINT outbound_messages_subscriber_id_fkey;

-- +goose StatementBegin
CREATE FUNCTION never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never deleted: the consent ledger and the messages point at them', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER subscribers_never_deleted BEFORE DELETE OR TRUNCATE ON subscribers
    FOR EACH STATEMENT EXECUTE FUNCTION never_deleted();

-- +goose Down
SELECT 'down migration not supported: restore from backup';
