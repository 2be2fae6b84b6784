-- +goose Up

-- Conversations replace alerts: every text that needs a person (crisis
-- language, free text the service cannot answer) opens or joins the
-- number's one conversation that is not closed, and staff answer in it.
-- A conversation is the person's whether or not they are a subscriber (a
-- stranger in crisis can be answered), so it is keyed by the number's hash.
CREATE TYPE conversation_status AS ENUM (
    'open',    -- waiting for a person on staff
    'waiting', -- staff answered; waiting for the person
    'closed'
);

CREATE TABLE conversations (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    phone_hash       bytea NOT NULL,
    phone_enc        bytea NOT NULL,
    phone_last4      text NOT NULL,
    subscriber_id    bigint REFERENCES subscribers (id),
    status           conversation_status NOT NULL DEFAULT 'open',
    -- 0: crisis, answered first; 1: everything else.
    priority         smallint NOT NULL CHECK (priority IN (0, 1)),
    assignee         bigint REFERENCES staff (id),
    opened_at        timestamptz NOT NULL DEFAULT now(),
    first_reply_at   timestamptz,
    -- The person's latest text: staff replies may go at any hour within 24
    -- hours of it.
    last_inbound_at  timestamptz NOT NULL DEFAULT now(),
    -- Either side's latest message: the sequence waits for
    -- conversation_quiet after it.
    last_activity_at timestamptz NOT NULL DEFAULT now(),
    closed_at        timestamptz,
    closed_by        bigint REFERENCES staff (id),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
-- One conversation at a time per number; closing one lets the next open.
CREATE UNIQUE INDEX conversations_current ON conversations (phone_hash) WHERE status <> 'closed';
-- The inbox: conversations not closed, by priority and waiting time.
CREATE INDEX conversations_inbox ON conversations (priority, last_inbound_at) WHERE status <> 'closed';
-- A send asks whether its subscriber is in a conversation.
CREATE INDEX conversations_subscriber ON conversations (subscriber_id) WHERE status <> 'closed';
-- Time to first reply over the last 7 and 30 days.
CREATE INDEX conversations_opened ON conversations (opened_at);

ALTER TABLE inbound_messages ADD COLUMN conversation_id bigint REFERENCES conversations (id);

-- Why a message was read as it was (the classifier's rule), and whether
-- someone on staff marked it misread, with what it should have been: the
-- marked messages are exported to grow the classifier's test corpus.
ALTER TABLE inbound_messages
    ADD COLUMN rule          text NOT NULL DEFAULT '',
    ADD COLUMN misread_as    text,
    ADD COLUMN misread_by    bigint REFERENCES staff (id),
    ADD COLUMN misread_at    timestamptz;
CREATE INDEX inbound_messages_misread ON inbound_messages (misread_at) WHERE misread_at IS NOT NULL;
CREATE INDEX inbound_messages_conversation ON inbound_messages (conversation_id, id) WHERE conversation_id IS NOT NULL;

-- Staff replies: what a person on staff asked to send, whether it went.
-- request_key makes a form submitted twice one reply.
CREATE TABLE staff_replies (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    conversation_id bigint NOT NULL REFERENCES conversations (id),
    staff_id        bigint NOT NULL REFERENCES staff (id),
    request_key     text NOT NULL UNIQUE,
    body_enc        bytea NOT NULL,
    segments        int NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    -- pending: waiting for the sender; sent: the carrier took it (its
    -- delivery status is the outbound row's); refused: not sent, and why.
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'refused')),
    refused_reason  text NOT NULL DEFAULT '',
    outbound_id     bigint REFERENCES outbound_messages (id),
    -- When a reply waits for the send window, until when.
    held_until      timestamptz
);
CREATE INDEX staff_replies_conversation ON staff_replies (conversation_id, id);

-- A staff reply is an outbound message like any other, to a subscriber or
-- to a number that texted without subscribing.
ALTER TABLE outbound_messages ALTER COLUMN subscriber_id DROP NOT NULL;
ALTER TABLE outbound_messages DROP CONSTRAINT outbound_messages_kind_check;
ALTER TABLE outbound_messages ADD CONSTRAINT outbound_messages_kind_check
    CHECK (kind IN ('reply', 'step', 'signup_confirm', 'staff_reply'));
ALTER TABLE outbound_messages ADD CONSTRAINT outbound_messages_subscriber_check
    CHECK (subscriber_id IS NOT NULL OR kind = 'staff_reply');
ALTER TABLE outbound_messages ADD COLUMN conversation_id bigint REFERENCES conversations (id);

-- Responders read and answer conversations; viewers see figures only.
ALTER TABLE staff DROP CONSTRAINT staff_role_check;
ALTER TABLE staff ADD CONSTRAINT staff_role_check CHECK (role IN ('admin', 'responder', 'viewer'));

-- Every alert becomes a conversation: one per number, holding its alerted
-- messages; open if any of them was not handled, crisis if any was crisis.
INSERT INTO conversations (phone_hash, phone_enc, phone_last4, subscriber_id, status, priority,
                           opened_at, last_inbound_at, last_activity_at, closed_at, closed_by)
SELECT DISTINCT ON (i.phone_hash)
       i.phone_hash, i.phone_enc, i.phone_last4, s.id,
       CASE WHEN g.open THEN 'open' ELSE 'closed' END::conversation_status,
       CASE WHEN g.crisis THEN 0 ELSE 1 END,
       g.first_at, g.last_at, g.last_at,
       CASE WHEN g.open THEN NULL ELSE g.handled_at END,
       CASE WHEN g.open THEN NULL ELSE g.handled_by END
FROM alerts a
JOIN inbound_messages i ON i.id = a.inbound_id
LEFT JOIN subscribers s ON s.phone_hash = i.phone_hash
JOIN LATERAL (
    SELECT bool_or(a2.handled_at IS NULL) AS open, bool_or(a2.kind = 'crisis') AS crisis,
           min(i2.received_at) AS first_at, max(i2.received_at) AS last_at,
           max(a2.handled_at) AS handled_at, max(a2.handled_by) AS handled_by
    FROM alerts a2 JOIN inbound_messages i2 ON i2.id = a2.inbound_id
    WHERE i2.phone_hash = i.phone_hash
) g ON true
ORDER BY i.phone_hash, i.received_at DESC;

UPDATE inbound_messages i SET conversation_id = c.id
FROM alerts a, conversations c
WHERE a.inbound_id = i.id AND c.phone_hash = i.phone_hash;

DROP TABLE alerts;

-- +goose Down
SELECT 'down migration not supported: restore from backup';
