-- +goose Up

-- A sequence step is known by the id the program file gives it, not by its
-- place in the list: an operator may insert, remove or reorder steps while
-- people are mid-sequence. step (the place when it was sent) stays for the
-- per-step figures; step_id is what "already sent" and the at-most-once
-- rule go by. Rows written before ids existed have no step_id: the first
-- serve with ids fills it from the program's order (sending.AdoptProgram).
ALTER TABLE outbound_messages ADD COLUMN step_id text;
-- The hash of the text the carrier was given (program.Step.Hash), so a
-- retried send can find what actually went.
ALTER TABLE outbound_messages ADD COLUMN body_hash text;
DROP INDEX outbound_messages_one_step;
CREATE UNIQUE INDEX outbound_messages_one_step ON outbound_messages (subscriber_id, subscription, step_id)
    WHERE kind = 'step';
-- Rows from before ids, until AdoptProgram names them.
CREATE INDEX outbound_messages_unnamed_step ON outbound_messages (id) WHERE kind = 'step' AND step_id IS NULL;
-- A sign-up's YES-request already sent: at most once per request.
CREATE INDEX outbound_messages_signup_confirm ON outbound_messages (subscriber_id, created_at) WHERE kind = 'signup_confirm';

ALTER TABLE steps_to_schedule ADD COLUMN step_id text;
ALTER TABLE steps_to_schedule ALTER COLUMN step DROP NOT NULL;

-- The program's steps as the last serve started with them: what an edit
-- changed (a new text for an id, a new delay) is found against this.
CREATE TABLE program_steps (
    step_id    text PRIMARY KEY,
    position   int NOT NULL,
    body_hash  text NOT NULL,
    after_us   bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Delivery reports that came before their message's row was committed (or
-- for a message recorded unknown): kept, and applied once the row has the
-- SID (sending's status sweep). Numbers never: the SID is enough.
CREATE TABLE early_statuses (
    twilio_sid  text NOT NULL,
    status      text NOT NULL,
    error_code  int,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (twilio_sid, status)
);
CREATE INDEX early_statuses_received ON early_statuses (received_at);

-- Sending paused for the whole account: the carrier refused a send for a
-- reason about the account, not the person (bad credentials, a sender
-- number it does not own, a suspended account). One row, id 1; cleared_at
-- set once a send goes through again. The dashboard's banner reads it
-- (store.SendingPause).
CREATE TABLE sending_pause (
    id            int PRIMARY KEY CHECK (id = 1),
    code          int NOT NULL,
    reason        text NOT NULL,
    since         timestamptz NOT NULL,
    last_seen     timestamptz NOT NULL,
    -- One send is let through at a time, after this, to see whether the
    -- account works again.
    next_probe_at timestamptz NOT NULL,
    cleared_at    timestamptz
);

-- Steps that wait for the send window alone far longer than a day: the
-- person's zones share no open hour. Counted for staff
-- (store.CountStalledSubscribers); a row goes when its step is sent or
-- its subscription ends.
CREATE TABLE stalled_steps (
    subscriber_id bigint NOT NULL,
    subscription  timestamptz NOT NULL,
    step_id       text NOT NULL,
    due_at        timestamptz NOT NULL,
    seen_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscriber_id, subscription, step_id)
);

-- +goose Down
SELECT 'down migration not supported: restore from backup';
