-- +goose Up

-- A subscriber is one phone number. The number itself is stored only
-- encrypted (phone_enc) and found through a keyed hash (phone_hash).
CREATE TYPE subscriber_state AS ENUM ('pending', 'active', 'stopped', 'invalid');

CREATE TABLE subscribers (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone_hash      bytea NOT NULL UNIQUE,
    phone_enc       bytea NOT NULL,
    phone_last4     text NOT NULL CHECK (phone_last4 ~ '^[0-9]{0,4}$'),
    state           subscriber_state NOT NULL,
    source          text NOT NULL CHECK (source IN ('keyword', 'web_form', 'staff')),
    time_zone       text,
    -- When the current subscription began: the sequence counts from here.
    opted_in_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- The consent ledger: every change of state, with its evidence. Append-only.
CREATE TABLE consent_events (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id      bigint NOT NULL REFERENCES subscribers (id),
    at                 timestamptz NOT NULL DEFAULT now(),
    from_state         subscriber_state,
    to_state           subscriber_state NOT NULL,
    method             text NOT NULL CHECK (method IN ('keyword', 'web_form', 'staff', 'carrier')),
    -- The keyword or carrier error that caused it ("STOP", "JOIN", "21610", "revocation").
    reason             text NOT NULL DEFAULT '',
    message_sid        text,
    disclosure_version text,
    staff_id           bigint,
    -- Encrypted JSON: the raw text of the message or form input, IP, user agent.
    evidence_enc       bytea
);
CREATE INDEX consent_events_subscriber ON consent_events (subscriber_id, id);
CREATE INDEX consent_events_at ON consent_events (at);

-- Refuses any change to a table that is a record (the ledger, the audit
-- log, the disclosures shown): rows are added, never edited or removed.
-- +goose StatementBegin
CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER consent_events_no_update BEFORE UPDATE OR DELETE ON consent_events
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON consent_events
    FOR EACH STATEMENT EXECUTE FUNCTION append_only();

-- Every message people send. Someone who texts without ever subscribing has
-- no subscriber row, so the sender's number is kept here too (encrypted).
CREATE TABLE inbound_messages (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_sid   text NOT NULL UNIQUE,
    phone_hash    bytea NOT NULL,
    phone_enc     bytea NOT NULL,
    phone_last4   text NOT NULL,
    subscriber_id bigint REFERENCES subscribers (id),
    received_at   timestamptz NOT NULL DEFAULT now(),
    class         text NOT NULL,
    body_enc      bytea NOT NULL,
    -- Which reply was given ("help", "free_text", …), '' for none.
    reply_name    text NOT NULL DEFAULT '',
    -- The TwiML answered the first time, answered again on a repeated delivery.
    reply_twiml   text NOT NULL
);
CREATE INDEX inbound_messages_phone ON inbound_messages (phone_hash, received_at);

-- Outbound messages: replies carried in TwiML, and API sends (sequence steps,
-- the sign-up YES request). Bodies are program texts, kept by reference.
CREATE TABLE outbound_messages (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id bigint NOT NULL REFERENCES subscribers (id),
    kind          text NOT NULL CHECK (kind IN ('reply', 'step', 'signup_confirm')),
    -- Which reply ("confirmation", "help", …) or which sequence step (0-based).
    reply_name    text,
    step          int,
    -- A step's opted_in_at: a person who opts in again starts the sequence afresh.
    subscription  timestamptz,
    twilio_sid    text UNIQUE,
    status        text NOT NULL,
    error_code    int,
    segments      int NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'step') = (step IS NOT NULL))
);
-- Each sequence step reaches a subscription at most once.
CREATE UNIQUE INDEX outbound_messages_one_step ON outbound_messages (subscriber_id, subscription, step)
    WHERE kind = 'step';
CREATE INDEX outbound_messages_sent ON outbound_messages (subscriber_id, created_at) WHERE kind = 'step';

-- Messages waiting for a person: crisis language and free text.
CREATE TABLE alerts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('crisis', 'free_text')),
    inbound_id    bigint NOT NULL REFERENCES inbound_messages (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    handled_at    timestamptz,
    handled_by    bigint
);
CREATE INDEX alerts_open ON alerts (created_at DESC) WHERE handled_at IS NULL;

CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL,
    token_hash   bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    last_used_at timestamptz
);

-- Counters kept in the same transactions as the changes they count, so that
-- staff figures never need count(*) over a million rows. Each counter is
-- spread over shards so concurrent writers do not queue on one row; readers
-- sum the shards.
CREATE TABLE counters (
    name  text NOT NULL,
    day   date NOT NULL,   -- '-infinity' for running totals
    shard smallint NOT NULL,
    n     bigint NOT NULL,
    PRIMARY KEY (name, day, shard)
);

-- +goose StatementBegin
CREATE FUNCTION bump(counter text, d date, delta bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO counters (name, day, shard, n)
    -- One shard per connection: two transactions on different connections
    -- never wait for each other here.
    VALUES (counter, d, (pg_backend_pid() % 64)::smallint, delta)
    ON CONFLICT (name, day, shard) DO UPDATE SET n = counters.n + EXCLUDED.n;
$$;

CREATE FUNCTION count_subscriber_states() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM bump('subscribers.' || NEW.state, '-infinity', 1);
    ELSIF NEW.state IS DISTINCT FROM OLD.state THEN
        PERFORM bump('subscribers.' || OLD.state, '-infinity', -1);
        PERFORM bump('subscribers.' || NEW.state, '-infinity', 1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION count_consent_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d date := (NEW.at AT TIME ZONE 'UTC')::date;
BEGIN
    PERFORM bump('consent_events', '-infinity', 1);
    IF NEW.to_state = 'active' AND NEW.from_state IS DISTINCT FROM 'active' THEN
        PERFORM bump('opt_ins.' || NEW.method, d, 1);
    ELSIF NEW.to_state = 'stopped' AND NEW.from_state IS DISTINCT FROM 'stopped' THEN
        PERFORM bump('opt_outs.' || NEW.method, d, 1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION count_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump('messages.' || TG_ARGV[0], '-infinity', 1);
    PERFORM bump('messages.' || TG_ARGV[0], (now() AT TIME ZONE 'UTC')::date, 1);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- The counters are bumped at commit (deferred), so a transaction that stays
-- open (a send waiting on the carrier) holds no counter row while it waits.
CREATE CONSTRAINT TRIGGER subscribers_count AFTER INSERT OR UPDATE OF state ON subscribers
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_subscriber_states();
CREATE CONSTRAINT TRIGGER consent_events_count AFTER INSERT ON consent_events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_consent_events();
CREATE CONSTRAINT TRIGGER inbound_messages_count AFTER INSERT ON inbound_messages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_messages('inbound');
CREATE CONSTRAINT TRIGGER outbound_messages_count AFTER INSERT ON outbound_messages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_messages('outbound');

-- +goose Down
DROP TABLE counters, api_tokens, alerts, outbound_messages, inbound_messages, consent_events, subscribers;
DROP FUNCTION count_messages, count_consent_events, count_subscriber_states, bump, append_only;
DROP TYPE subscriber_state;
