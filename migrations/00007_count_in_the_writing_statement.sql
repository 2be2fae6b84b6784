-- +goose Up

-- Counting a JOIN without per-row triggers. Each deferred counting
-- trigger cost every row it counted a function call and an INSERT of its
-- own at COMMIT: on the inbound path, a JOIN fired three. Now the
-- statements that write those rows append their counter deltas themselves.
-- The counters and what they mean are unchanged.
--
-- A message a person sends, and the reply carried in its TwiML answer, are
-- written by one statement, store.RecordInbound, the only one that writes
-- an inbound row; store.RecordOutbound can record a reply alone. Both
-- append messages.inbound and messages.outbound for what they write.
-- count_outbound still counts every other outbound row (sends, their
-- delivery reports, sequence steps), which carry no TwiML reply.
DROP TRIGGER inbound_messages_count ON inbound_messages;
DROP FUNCTION count_inbound();
DROP TRIGGER outbound_messages_count ON outbound_messages;
CREATE CONSTRAINT TRIGGER outbound_messages_count AFTER INSERT OR UPDATE OF status ON outbound_messages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.kind <> 'reply') EXECUTE FUNCTION count_outbound();

-- Replies never have a carrier SID (they ride in the TwiML answer), and a
-- send has none until the carrier answers: index only the SIDs there are,
-- so a reply adds no entry to the unique index. Lookups by SID
-- (twilio_sid = $1) use the partial index.
ALTER TABLE outbound_messages DROP CONSTRAINT outbound_messages_twilio_sid_key;
CREATE UNIQUE INDEX outbound_messages_twilio_sid ON outbound_messages (twilio_sid) WHERE twilio_sid IS NOT NULL;

-- A change of state is counted the same way: store.ChangeState, the only
-- writer of subscribers.state and of the ledger, appends the deltas of the
-- change in the statement that writes its ledger row, from
-- state_change_deltas below (the rules count_consent_events kept, as a
-- set the planner inlines; a per-day counter counts on the UTC day of the
-- ledger row's at). The ledger stays append-only.
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
        (to_state = 'active' AND from_state IS DISTINCT FROM 'active', 'joined.' || source, '-infinity', 1),
        -- A subscription ends.
        (from_state = 'active' AND to_state <> 'active', 'active.net', (at AT TIME ZONE 'UTC')::date, -1),
        -- An opt-out, from any other state.
        (to_state = 'stopped' AND from_state IS DISTINCT FROM 'stopped', 'opt_outs.' || method, (at AT TIME ZONE 'UTC')::date, 1)
    ) AS v (counted, name, day, n)
    WHERE v.counted
$$;
-- +goose StatementEnd
DROP TRIGGER consent_events_count ON consent_events;
DROP FUNCTION count_consent_events();

-- +goose Down
SELECT 'down migration not supported: restore from backup';
