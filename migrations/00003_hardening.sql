-- +goose Up

-- What an API token may read: stats (/api/v1/stats), metrics (/metrics).
-- Tokens made before scopes existed read the stats only.
ALTER TABLE api_tokens ADD COLUMN scopes text[] NOT NULL DEFAULT '{stats}'
    CONSTRAINT api_tokens_scopes CHECK (cardinality(scopes) > 0 AND scopes <@ '{stats,metrics}'::text[]);

-- A staff login's second factor: its TOTP secret (sealed with DATA_KEY),
-- when it was enrolled, and the last time step accepted, so that a code
-- works once.
ALTER TABLE staff
    ADD COLUMN totp_secret_enc  bytea,
    ADD COLUMN totp_enrolled_at timestamptz,
    ADD COLUMN totp_last_step   bigint NOT NULL DEFAULT 0;

-- Recovery codes, each good once; only their hashes are kept.
CREATE TABLE staff_recovery_codes (
    staff_id  bigint NOT NULL REFERENCES staff (id),
    code_hash bytea NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (staff_id, code_hash)
);

-- Who acted when no staff member did: "cli" for the operator commands.
ALTER TABLE audit_log ADD COLUMN actor text NOT NULL DEFAULT '';

-- Refused sign-ins, per client address and window: one audit row each,
-- however many requests a flood sends.
CREATE TABLE login_refusals (
    client_addr  text NOT NULL,
    window_start timestamptz NOT NULL,
    PRIMARY KEY (client_addr, window_start)
);
CREATE INDEX login_refusals_window ON login_refusals (window_start);

-- Failures of one account from one address: the sign-in limit.
CREATE INDEX login_attempts_account_client ON login_attempts (account, client_addr, at);

-- +goose Down
DROP INDEX login_attempts_account_client;
DROP TABLE login_refusals, staff_recovery_codes;
ALTER TABLE audit_log DROP COLUMN actor;
ALTER TABLE staff DROP COLUMN totp_secret_enc, DROP COLUMN totp_enrolled_at, DROP COLUMN totp_last_step;
ALTER TABLE api_tokens DROP COLUMN scopes;
