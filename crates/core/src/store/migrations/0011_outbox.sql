-- Customer messages (issue 15): the outbox. A message is written in the same transaction as the
-- event that causes it and syncs like any record; its sender is the hub (enrolled devices) or the
-- device that wrote it (working alone). Credentials are never here.

CREATE TABLE IF NOT EXISTS messages (
    id                TEXT PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('ticket_opened', 'ticket_taken', 'ticket_resolved',
                          'report_signed', 'statement', 'out_of_contract')),
    client_id         TEXT NOT NULL REFERENCES clients (id),
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
    updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS messages_due ON messages (sender, status, next_attempt_at);
CREATE INDEX IF NOT EXISTS messages_ticket ON messages (ticket_id, created_at);
CREATE INDEX IF NOT EXISTS messages_client ON messages (client_id, created_at);

CREATE TABLE IF NOT EXISTS message_attachments (
    id         TEXT PRIMARY KEY,
    message_id TEXT NOT NULL REFERENCES messages (id),
    name       TEXT NOT NULL,
    mime_type  TEXT NOT NULL,
    size       INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    content    TEXT NOT NULL,                 -- base64
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS message_attachments_message ON message_attachments (message_id);
