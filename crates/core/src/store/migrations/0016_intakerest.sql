-- The polite reply to a stranger whose request the office declined in triage (issue 16): a
-- customer message of kind 'request_declined' addressed to that one sender, with no client.
-- messages.client_id becomes nullable for that kind only. SQLite changes a NOT NULL only by
-- rebuilding the table, and a parent table only together with its child (message_attachments
-- references messages), as in 0012.

CREATE TABLE messages_0016 (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('ticket_opened', 'ticket_taken', 'ticket_resolved',
                          'report_signed', 'statement', 'out_of_contract', 'request_received',
                          'request_declined', 'ticket_reply', 'quote', 'sign_in_link',
                          'signature_code', 'signature_request')),
    client_id         TEXT REFERENCES clients (id),
    ticket_id         TEXT REFERENCES tickets (id),
    report_id         TEXT REFERENCES reports (id),
    period            TEXT,
    language          TEXT NOT NULL CHECK (language IN ('it', 'en')),
    recipients        TEXT NOT NULL,           -- JSON array of addresses
    cc                TEXT NOT NULL DEFAULT '[]',
    subject           TEXT NOT NULL,
    body              TEXT NOT NULL,
    message_id        TEXT NOT NULL UNIQUE,    -- <uuid@domain>: the same on every retry
    in_reply_to       TEXT,
    sender            TEXT NOT NULL,           -- 'hub' or the sending device's code
    status            TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'deferred', 'failed',
                          'held', 'cancelled')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   TEXT,
    last_reply        TEXT,
    sent_at           TEXT,
    attachments_ready INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    quote_id          TEXT REFERENCES quotes (id),
    -- Every message is for a client's people, but the polite reply to a declined request.
    CHECK (client_id IS NOT NULL OR kind = 'request_declined')
) STRICT;

INSERT INTO messages_0016 SELECT id, kind, client_id, ticket_id, report_id, period, language,
    recipients, cc, subject, body, message_id, in_reply_to, sender, status, attempts,
    next_attempt_at, last_reply, sent_at, attachments_ready, created_at, updated_at, quote_id
FROM messages;

CREATE TABLE message_attachments_0016 (
    id         TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES messages_0016 (id),
    name       TEXT NOT NULL,
    mime_type  TEXT NOT NULL,
    size       INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    content    TEXT NOT NULL,                 -- base64
    created_at TEXT NOT NULL
) STRICT;
INSERT INTO message_attachments_0016 SELECT id, message_id, name, mime_type, size, sha256, content,
    created_at
FROM message_attachments;

DROP TABLE message_attachments;
DROP TABLE messages;
ALTER TABLE messages_0016 RENAME TO messages;
ALTER TABLE message_attachments_0016 RENAME TO message_attachments;

CREATE INDEX IF NOT EXISTS messages_due ON messages (sender, status, next_attempt_at);
CREATE INDEX IF NOT EXISTS messages_ticket ON messages (ticket_id, created_at);
CREATE INDEX IF NOT EXISTS messages_client ON messages (client_id, created_at);
CREATE INDEX IF NOT EXISTS message_attachments_message ON message_attachments (message_id);
