-- +goose Up

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

ALTER TABLE consent_events ADD CONSTRAINT consent_events_staff FOREIGN KEY (staff_id) REFERENCES staff (id);
ALTER TABLE alerts ADD CONSTRAINT alerts_handled_by FOREIGN KEY (handled_by) REFERENCES staff (id);

-- Staff sessions, in the layout github.com/alexedwards/scs/pgxstore reads.
-- The token column holds a hash of the cookie's token (scs HashTokenInStore).
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
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
CREATE INDEX login_attempts_account ON login_attempts (account, at);
CREATE INDEX login_attempts_client ON login_attempts (client_addr, at);
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
CREATE INDEX audit_log_target ON audit_log (target, id) WHERE target <> '';

-- The staff's alert list pages through open alerts by ID, newest first.
CREATE INDEX alerts_open_id ON alerts (id DESC) WHERE handled_at IS NULL;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION append_only();

-- Dashboard counters, kept in the same transactions as the changes they
-- count (see counters and bump() in 00001). Days are UTC days.
--
--   active.net (per day)            subscriptions begun minus ended that day:
--                                   the active total at the end of a past day
--                                   is today's total minus every later day's net
--   joined.<source> (day and total) opt-ins by where the person came from
--                                   (the subscriber's source: keyword, web_form, staff)
--   sends (day and total)           messages handed to the carrier API
--                                   (sequence steps, sign-up confirmations)
--   delivery.<status> (day, total)  their outcomes: delivered, read,
--                                   partially_delivered, undelivered, failed,
--                                   canceled, unknown (timed out, never retried)
--   step.<n>.sent / .delivered      sequence step reach (n is 0-based)

-- +goose StatementBegin
CREATE FUNCTION is_final_status(status text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT status IN ('delivered', 'read', 'partially_delivered', 'undelivered', 'failed', 'canceled', 'unknown');
$$;

CREATE FUNCTION count_dashboard_consent() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d date := (NEW.at AT TIME ZONE 'UTC')::date;
    src text;
BEGIN
    IF NEW.to_state = 'active' AND NEW.from_state IS DISTINCT FROM 'active' THEN
        PERFORM bump('active.net', d, 1);
        SELECT source INTO src FROM subscribers WHERE id = NEW.subscriber_id;
        PERFORM bump('joined.' || src, d, 1);
        PERFORM bump('joined.' || src, '-infinity', 1);
    ELSIF NEW.from_state = 'active' AND NEW.to_state <> 'active' THEN
        PERFORM bump('active.net', d, -1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION count_dashboard_outbound() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
    -- Replies ride in the TwiML answer: no delivery report comes for them.
    IF NEW.kind = 'reply' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM bump('sends', '-infinity', 1);
        PERFORM bump('sends', d, 1);
        IF NEW.kind = 'step' THEN
            PERFORM bump('step.' || NEW.step || '.sent', '-infinity', 1);
        END IF;
    END IF;
    IF is_final_status(NEW.status) AND (TG_OP = 'INSERT' OR NOT is_final_status(OLD.status)) THEN
        PERFORM bump('delivery.' || NEW.status, '-infinity', 1);
        PERFORM bump('delivery.' || NEW.status, d, 1);
        IF NEW.kind = 'step' AND NEW.status IN ('delivered', 'read', 'partially_delivered') THEN
            PERFORM bump('step.' || NEW.step || '.delivered', '-infinity', 1);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- Deferred to commit, like 00001's counters: a send's transaction stays open
-- while the carrier answers and must hold no counter row meanwhile.
CREATE CONSTRAINT TRIGGER consent_events_dashboard AFTER INSERT ON consent_events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_dashboard_consent();
CREATE CONSTRAINT TRIGGER outbound_messages_dashboard AFTER INSERT OR UPDATE OF status ON outbound_messages
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION count_dashboard_outbound();

-- Running totals are read together; without this, reading them would scan
-- every per-day row. Only name and day are indexed, so bumps stay HOT updates.
CREATE INDEX counters_totals ON counters (name) WHERE day = '-infinity';

-- The same counters for whatever history exists already. (The store's
-- tests run the statements between these markers against a seeded history.)
-- backfill:begin
INSERT INTO counters (name, day, shard, n)
SELECT 'active.net', (at AT TIME ZONE 'UTC')::date, 0,
       sum(CASE WHEN to_state = 'active' AND from_state IS DISTINCT FROM 'active' THEN 1
                WHEN from_state = 'active' AND to_state <> 'active' THEN -1 ELSE 0 END)
FROM consent_events GROUP BY 2;

INSERT INTO counters (name, day, shard, n)
SELECT 'joined.' || s.source, d, 0, count(*)
FROM consent_events c JOIN subscribers s ON s.id = c.subscriber_id,
     LATERAL (VALUES ((c.at AT TIME ZONE 'UTC')::date), ('-infinity'::date)) AS days (d)
WHERE c.to_state = 'active' AND c.from_state IS DISTINCT FROM 'active'
GROUP BY 1, 2;

INSERT INTO counters (name, day, shard, n)
SELECT 'sends', d, 0, count(*)
FROM outbound_messages, LATERAL (VALUES ((created_at AT TIME ZONE 'UTC')::date), ('-infinity'::date)) AS days (d)
WHERE kind <> 'reply'
GROUP BY 2;

INSERT INTO counters (name, day, shard, n)
SELECT 'delivery.' || status, d, 0, count(*)
FROM outbound_messages, LATERAL (VALUES ((updated_at AT TIME ZONE 'UTC')::date), ('-infinity'::date)) AS days (d)
WHERE kind <> 'reply' AND is_final_status(status)
GROUP BY 1, 2;

INSERT INTO counters (name, day, shard, n)
SELECT 'step.' || step || '.sent', '-infinity', 0, count(*)
FROM outbound_messages WHERE kind = 'step' GROUP BY step;

INSERT INTO counters (name, day, shard, n)
SELECT 'step.' || step || '.delivered', '-infinity', 0, count(*)
FROM outbound_messages WHERE kind = 'step' AND status IN ('delivered', 'read', 'partially_delivered') GROUP BY step;
-- backfill:end

-- +goose Down
DELETE FROM counters WHERE name = 'active.net' OR name = 'sends'
    OR name LIKE 'joined.%' OR name LIKE 'delivery.%' OR name LIKE 'step.%';
DROP INDEX counters_totals;
DROP TRIGGER outbound_messages_dashboard ON outbound_messages;
DROP TRIGGER consent_events_dashboard ON consent_events;
DROP FUNCTION count_dashboard_outbound, count_dashboard_consent, is_final_status;
ALTER TABLE alerts DROP CONSTRAINT alerts_handled_by;
ALTER TABLE consent_events DROP CONSTRAINT consent_events_staff;
DROP INDEX alerts_open_id;
DROP TABLE audit_log, login_attempts, sessions, staff;
