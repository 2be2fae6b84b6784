-- +goose Up

-- textsupport's schema. River's tables (river_job, river_queue, …) are not
-- here: store.Migrate applies River's own migrations (rivermigrate) before
-- this file, and this file adds an index to river_job and drops three of
-- River's (at the end).
--
-- Days in counters are UTC days. Numbered migrations after this one start
-- at 00002.

-- Where a subscriber stands. 'expired' is the final state of a web sign-up
-- that never answered the YES request (after 7 days by default): it leaves
-- the pending count, it is never texted again, and it is not mistaken for
-- someone who opted out (stopped) or whose number is dead (invalid). A
-- later YES, START or join keyword from the number is an opt-in like
-- anyone's, recorded as such; a new web sign-up starts a new double opt-in.
CREATE TYPE subscriber_state AS ENUM ('pending', 'active', 'stopped', 'invalid', 'expired');

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

-- The carrier's final statuses: a message in one of them gets no further
-- report. Counted once each, as delivery.<status> (count_outbound below).
-- +goose StatementBegin
CREATE FUNCTION is_final_status(status text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT status IN ('delivered', 'read', 'partially_delivered', 'undelivered', 'failed', 'canceled', 'unknown');
$$;
-- +goose StatementEnd

-- A subscriber is one phone number. The number itself is stored only
-- encrypted (phone_enc) and found through a keyed hash (phone_hash).
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
-- Expiry looks only at pending subscribers: a handful among a million.
CREATE INDEX subscribers_pending ON subscribers (id) WHERE state = 'pending';

-- Staff logins. The email is stored lower-cased and matched as such; the
-- password only as a bcrypt hash. A login is disabled, never deleted: the
-- consent ledger and the audit log point at it.
CREATE TABLE staff (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         text NOT NULL UNIQUE CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 254),
    password_hash text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'viewer')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz,
    disabled_at   timestamptz
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
    -- Names the disclosures row the person was shown (web sign-ups).
    disclosure_version text,
    staff_id           bigint CONSTRAINT consent_events_staff REFERENCES staff (id),
    -- Encrypted JSON: the raw text of the message or form input, IP, user agent.
    evidence_enc       bytea
);
-- A subscriber's history, in order (staff pages, the sign-up's checks).
CREATE INDEX consent_events_subscriber ON consent_events (subscriber_id, id);
-- The ledger by time, for reviewing a period of consent changes directly in
-- SQL (the service itself reads the ledger by subscriber only).
CREATE INDEX consent_events_at ON consent_events (at);

CREATE TRIGGER consent_events_no_update BEFORE UPDATE OR DELETE ON consent_events
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER consent_events_no_truncate BEFORE TRUNCATE ON consent_events
    FOR EACH STATEMENT EXECUTE FUNCTION append_only();

-- Every message people send. Someone who texts without ever subscribing has
-- no subscriber row, so the sender's number is kept here too (encrypted).
CREATE TABLE inbound_messages (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Unique: a repeated delivery of the same message is never stored twice.
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
-- A number's recent messages, which decide the reply to the next one.
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
    -- Unique: the carrier's delivery reports find their message by it.
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
-- A subscriber's steps by time: the rolling daily cap looks at the last day's.
CREATE INDEX outbound_messages_sent ON outbound_messages (subscriber_id, created_at) WHERE kind = 'step';

-- Messages waiting for a person: crisis language and free text.
CREATE TABLE alerts (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind          text NOT NULL CHECK (kind IN ('crisis', 'free_text')),
    inbound_id    bigint NOT NULL REFERENCES inbound_messages (id),
    created_at    timestamptz NOT NULL DEFAULT now(),
    handled_at    timestamptz,
    handled_by    bigint CONSTRAINT alerts_handled_by REFERENCES staff (id)
);
-- Open alerts only, whatever the number handled: the open counts by kind.
CREATE INDEX alerts_open ON alerts (created_at DESC) WHERE handled_at IS NULL;
-- The staff's alert list pages through open alerts by ID, newest first.
CREATE INDEX alerts_open_id ON alerts (id DESC) WHERE handled_at IS NULL;

-- Bearer tokens for the API and /metrics, stored only as a hash.
CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL,
    token_hash   bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz,
    last_used_at timestamptz
);

-- Every disclosure the sign-up form has shown, exactly as served. The
-- ledger's disclosure_version names a row here; rows are never changed.
CREATE TABLE disclosures (
    version       text PRIMARY KEY,
    label         text NOT NULL,
    -- The consent checkbox's label as served (HTML), and the same as plain text.
    html          text NOT NULL,
    text          text NOT NULL,
    -- The terms and privacy pages the disclosure links to, as served.
    terms_html    text NOT NULL,
    privacy_html  text NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER disclosures_no_update BEFORE UPDATE OR DELETE ON disclosures
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER disclosures_no_truncate BEFORE TRUNCATE ON disclosures
    FOR EACH STATEMENT EXECUTE FUNCTION append_only();

-- The YES-request texts web sign-ups asked for: at most one per number in
-- any SIGNUP_NUMBER_WINDOW (24 hours by default), whatever the number's state.
CREATE TABLE signup_requests (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscriber_id bigint NOT NULL REFERENCES subscribers (id),
    requested_at  timestamptz NOT NULL
);
-- A number's latest requests, which the window is checked against.
CREATE INDEX signup_requests_subscriber ON signup_requests (subscriber_id, requested_at DESC);

-- Fixed-window counters behind the sign-up form's abuse limits, shared by
-- every replica. Keys are keyed hashes: no client address or number prefix
-- is stored in the clear. UNLOGGED: a crash only resets the windows, and
-- the counters cost no WAL.
CREATE UNLOGGED TABLE signup_limits (
    key          text NOT NULL,
    window_start timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    hits         integer NOT NULL,
    PRIMARY KEY (key, window_start)
);
-- Pruning removes the windows that are over.
CREATE INDEX signup_limits_expires ON signup_limits (expires_at);

-- Staff sessions, in the layout github.com/alexedwards/scs/pgxstore reads.
-- The token column holds a hash of the cookie's token (scs HashTokenInStore).
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
-- Pruning removes expired sessions.
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Sign-in attempts not (yet) known to have succeeded, for the limits per
-- account and per client address. Kept in Postgres so every replica counts
-- the same attempts. account is SHA-256 of the lower-cased email typed, so
-- whatever strangers type is not kept; a good sign-in sets it NULL on the
-- account's earlier failures, which then count for the address only.
CREATE TABLE login_attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account     bytea,
    client_addr text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
-- The recent attempts on one account, and from one address: the two limits.
CREATE INDEX login_attempts_account ON login_attempts (account, at);
CREATE INDEX login_attempts_client ON login_attempts (client_addr, at);
-- Pruning removes old attempts.
CREATE INDEX login_attempts_at ON login_attempts (at);

-- Who did or looked at what, and when: sign-ins, alert openings, opt-outs
-- on request, exports, token revocations. Never a phone number or a body:
-- targets are row IDs, numbers appear masked at most. Append-only.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    staff_id    bigint REFERENCES staff (id),
    action      text NOT NULL,
    target      text NOT NULL DEFAULT '',
    detail      text NOT NULL DEFAULT '',
    client_addr text NOT NULL DEFAULT ''
);
-- Everything done to one target (an alert, a subscriber), in order.
CREATE INDEX audit_log_target ON audit_log (target, id) WHERE target <> '';

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION append_only();

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

-- Counters -----------------------------------------------------------------
--
-- Staff figures come from counters, never from count(*) over a million
-- rows. The counting triggers below append each change's deltas to
-- counter_deltas in the transaction of the change itself (no index, no
-- row to wait for); the service folds them into counters every few seconds
-- (store.FoldCounters), one row per counter and day. Readers read
-- counter_sums, which adds the deltas not yet folded, so every figure is
-- exact at every moment: a delta commits with the change it counts, and a
-- fold moves deltas into counters in one transaction.
--
-- The counters, and the trigger function that writes each:
--
--   subscribers.<state> (total)     subscribers in each state
--                                   (count_subscriber_states)
--   consent_events (total)          rows of the ledger (count_consent_events)
--   opt_ins.<method> (per day)      changes to active from another state
--   opt_outs.<method> (per day)     changes to stopped from another state
--   active.net (per day)            subscriptions begun minus ended that day:
--                                   the active total at the end of a past day
--                                   is today's total minus every later day's net
--   joined.<source> (day and total) opt-ins by where the person came from
--                                   (the subscriber's source: keyword, web_form, staff)
--                                   (all four: count_consent_events)
--   messages.inbound (day, total)   messages received (count_inbound)
--   messages.outbound (day, total)  messages sent or answered, replies included
--   sends (day and total)           messages handed to the carrier API
--                                   (sequence steps, sign-up confirmations)
--   delivery.<status> (day, total)  their outcomes: delivered, read,
--                                   partially_delivered, undelivered, failed,
--                                   canceled, unknown (timed out, never retried)
--   step.<n>.sent / .delivered      sequence step reach (n is 0-based)
--   (total)                         (all four: count_outbound)
--
-- Totals are kept on the day '-infinity'.

CREATE TABLE counters (
    name  text NOT NULL,
    day   date NOT NULL,   -- '-infinity' for running totals
    n     bigint NOT NULL,
    PRIMARY KEY (name, day)
);
-- Running totals are read together; without this, reading them would scan
-- every per-day row. Only name and day are indexed, so a fold's updates
-- stay HOT updates.
CREATE INDEX counters_totals ON counters (name) WHERE day = '-infinity';

-- Changes to counters not yet folded into them.
CREATE TABLE counter_deltas (
    name text NOT NULL,
    day  date NOT NULL,   -- '-infinity' for running totals
    n    bigint NOT NULL
);

CREATE VIEW counter_sums AS
    SELECT name, day, n FROM counters
    UNION ALL
    SELECT name, day, n FROM counter_deltas;

-- +goose StatementBegin
CREATE FUNCTION count_subscriber_states() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO counter_deltas (name, day, n) VALUES ('subscribers.' || NEW.state, '-infinity', 1);
    ELSIF NEW.state IS DISTINCT FROM OLD.state THEN
        INSERT INTO counter_deltas (name, day, n)
        VALUES ('subscribers.' || OLD.state, '-infinity', -1), ('subscribers.' || NEW.state, '-infinity', 1);
    END IF;
    RETURN NULL;
END;
$$;

-- The ledger's counters and the dashboard's, for one consent row.
CREATE FUNCTION count_consent_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d date := (NEW.at AT TIME ZONE 'UTC')::date;
    src text;
BEGIN
    IF NEW.to_state = 'active' AND NEW.from_state IS DISTINCT FROM 'active' THEN
        SELECT source INTO src FROM subscribers WHERE id = NEW.subscriber_id;
        INSERT INTO counter_deltas (name, day, n)
        VALUES ('consent_events', '-infinity', 1), ('opt_ins.' || NEW.method, d, 1), ('active.net', d, 1),
               ('joined.' || src, d, 1), ('joined.' || src, '-infinity', 1);
    ELSIF NEW.from_state = 'active' AND NEW.to_state = 'stopped' THEN
        INSERT INTO counter_deltas (name, day, n)
        VALUES ('consent_events', '-infinity', 1), ('opt_outs.' || NEW.method, d, 1), ('active.net', d, -1);
    ELSIF NEW.from_state = 'active' AND NEW.to_state <> 'active' THEN
        INSERT INTO counter_deltas (name, day, n)
        VALUES ('consent_events', '-infinity', 1), ('active.net', d, -1);
    ELSIF NEW.to_state = 'stopped' AND NEW.from_state IS DISTINCT FROM 'stopped' THEN
        INSERT INTO counter_deltas (name, day, n)
        VALUES ('consent_events', '-infinity', 1), ('opt_outs.' || NEW.method, d, 1);
    ELSE
        INSERT INTO counter_deltas (name, day, n) VALUES ('consent_events', '-infinity', 1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION count_inbound() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO counter_deltas (name, day, n)
    VALUES ('messages.inbound', '-infinity', 1), ('messages.inbound', (now() AT TIME ZONE 'UTC')::date, 1);
    RETURN NULL;
END;
$$;

CREATE FUNCTION count_outbound() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d date := (now() AT TIME ZONE 'UTC')::date;
    names text[] := '{}';
    days date[] := '{}';
BEGIN
    IF TG_OP = 'INSERT' THEN
        names := ARRAY['messages.outbound', 'messages.outbound'];
        days := ARRAY['-infinity', d]::date[];
    END IF;
    -- Replies ride in the TwiML answer: no delivery report comes for them.
    IF NEW.kind <> 'reply' THEN
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
    END IF;
    IF cardinality(names) > 0 THEN
        INSERT INTO counter_deltas (name, day, n)
        SELECT u.name, u.day, 1 FROM unnest(names, days) AS u (name, day);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- The counting triggers are deferred to COMMIT: a transaction that stays
-- open (a send waiting on the carrier) has appended nothing meanwhile, and
-- they run after every statement of the transaction, including those
-- store.AtCommit sends with the COMMIT. A deferred trigger sees the row as
-- it was when the statement that fired it ran.
CREATE CONSTRAINT TRIGGER subscribers_count AFTER INSERT OR UPDATE OF state ON subscribers
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_subscriber_states();
CREATE CONSTRAINT TRIGGER consent_events_count AFTER INSERT ON consent_events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_consent_events();
CREATE CONSTRAINT TRIGGER inbound_messages_count AFTER INSERT ON inbound_messages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_inbound();
CREATE CONSTRAINT TRIGGER outbound_messages_count AFTER INSERT OR UPDATE OF status ON outbound_messages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_outbound();

-- River's job table ------------------------------------------------------
--
-- These statements need river_job, which is why store.Migrate runs River's
-- migrations first.

-- A STOP cancels the subscriber's scheduled sequence jobs; this finds them
-- without scanning the whole queue.
CREATE INDEX river_job_send_step_subscriber ON river_job (((args ->> 'subscriber_id')::bigint))
    WHERE kind = 'send_step' AND state IN ('available', 'scheduled', 'retryable', 'pending');

-- River's indexes on river_job.args and river_job.metadata (GIN) and on
-- river_job.kind serve searches by argument, metadata or kind: River's UI
-- and its test helpers. Nothing here makes them (a STOP finds its jobs
-- through river_job_send_step_subscriber; River fetches by state, queue
-- and time). Every job insert, fetch and completion paid for them: a state
-- change cannot be a HOT update, so each one added entries to every index
-- again. The service tells River's reindexer to leave them out
-- (sending.reindexed).
--
-- Before a River upgrade whose migrations alter these indexes, recreate
-- them first (the statements are this file's Down, at its end).
DROP INDEX IF EXISTS river_job_args_index;
DROP INDEX IF EXISTS river_job_metadata_index;
DROP INDEX IF EXISTS river_job_kind;

-- +goose Down
-- Back to River's schema alone, as rivermigrate leaves it.
CREATE INDEX IF NOT EXISTS river_job_args_index ON river_job USING GIN (args);
CREATE INDEX IF NOT EXISTS river_job_metadata_index ON river_job USING GIN (metadata);
CREATE INDEX IF NOT EXISTS river_job_kind ON river_job (kind);
DROP INDEX river_job_send_step_subscriber;
DROP VIEW counter_sums;
DROP TABLE counter_deltas, counters, steps_to_schedule, audit_log, login_attempts, sessions,
    signup_limits, signup_requests, disclosures, api_tokens, alerts, outbound_messages,
    inbound_messages, consent_events, staff, subscribers;
DROP FUNCTION count_outbound, count_inbound, count_consent_events, count_subscriber_states,
    is_final_status, append_only;
DROP TYPE subscriber_state;
