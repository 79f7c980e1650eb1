-- The intake (issue 16): every incoming request (an e-mail, later a form post or a monitoring
-- alert) is recorded once under its idempotency key, with what became of it; customer messages
-- that reply to a ticket join its history; attachments are listed here (name, size, hash) while
-- their content stays with whoever collected them (the hub, or this device working alone) in the
-- unsynced incoming_attachment_content table, fetched on demand by hash.

CREATE TABLE IF NOT EXISTS incoming_requests (
    id              TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,   -- Message-ID, else mailbox/UIDVALIDITY/UID
    origin          TEXT NOT NULL CHECK (origin IN ('phone', 'email', 'web_form', 'monitoring',
                        'chat', 'on_site', 'other')),
    source          TEXT NOT NULL,           -- the mailbox, form or webhook source
    sender_email    TEXT,
    sender_name     TEXT,
    subject         TEXT NOT NULL,
    body            TEXT,
    received_at     TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('new', 'ticketed', 'assigned', 'appended',
                        'rejected', 'ignored')),
    reason          TEXT,
    urgent          INTEGER NOT NULL DEFAULT 0,
    category        TEXT,
    service         TEXT,
    client_id       TEXT REFERENCES clients (id),
    ticket_id       TEXT REFERENCES tickets (id),
    message_id      TEXT,
    in_reply_to     TEXT,
    handled_at      TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS incoming_requests_status ON incoming_requests (status, received_at);
CREATE INDEX IF NOT EXISTS incoming_requests_ticket ON incoming_requests (ticket_id);
CREATE INDEX IF NOT EXISTS incoming_requests_sender ON incoming_requests (sender_email, received_at);

CREATE TABLE IF NOT EXISTS incoming_messages (
    id         TEXT PRIMARY KEY,
    ticket_id  TEXT NOT NULL REFERENCES tickets (id),
    request_id TEXT REFERENCES incoming_requests (id),
    from_email TEXT NOT NULL,
    from_name  TEXT,
    at         TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS incoming_messages_ticket ON incoming_messages (ticket_id, at);

CREATE TABLE IF NOT EXISTS incoming_attachments (
    id         TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES incoming_requests (id),
    name       TEXT NOT NULL,
    mime_type  TEXT NOT NULL,
    size       INTEGER NOT NULL,
    sha256     TEXT NOT NULL,
    kept       INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS incoming_attachments_request ON incoming_attachments (request_id);

-- Not synced: the content of the attachments this device collected itself (working alone).
CREATE TABLE IF NOT EXISTS incoming_attachment_content (
    sha256  TEXT PRIMARY KEY,
    content BLOB NOT NULL
) STRICT;
