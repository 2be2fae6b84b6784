-- +goose Up

-- A web sign-up that never answers the YES request expires (after 7 days by
-- default) into a final state of its own: it leaves the pending count, it is
-- never texted again, and it is not mistaken for someone who opted out
-- (stopped) or whose number is dead (invalid). A later YES, START or join
-- keyword from the number is an opt-in like anyone's, recorded as such; a
-- new web sign-up starts a new double opt-in.
-- (Postgres allows ADD VALUE in a transaction from version 12, provided the
-- new value is not used before the transaction commits; nothing below uses it.)
ALTER TYPE subscriber_state ADD VALUE IF NOT EXISTS 'expired';

-- Expiry looks only at pending subscribers: a handful among a million.
CREATE INDEX subscribers_pending ON subscribers (id) WHERE state = 'pending';

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
CREATE INDEX signup_limits_expires ON signup_limits (expires_at);

-- +goose Down
DROP TABLE signup_limits, signup_requests, disclosures;
DROP INDEX subscribers_pending;
-- Postgres cannot drop an enum value; 'expired' stays, unused.
