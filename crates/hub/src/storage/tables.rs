//! The hub's tables, once per dialect, side by side so both keep the same shape (the PostgreSQL
//! backup copies them column by column into a SQLite file).
//!
//! JSON columns are text on both. PostgreSQL text keys use the "C" collation so that paging by
//! id (`entity_id > $after ORDER BY entity_id`) orders bytes exactly like SQLite.

/// SQLite, one statement each (run in order inside one transaction).
pub const SQLITE_SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS hub_meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID",
    // A rowid table (with the key as a unique index), not WITHOUT ROWID: its rows (the fields
    // and versions JSON) are larger than a WITHOUT ROWID leaf keeps in place (about 1 KB on 4 KB
    // pages), which sent most of each row to overflow pages and left the file half empty.
    // Hubs created before keep their table; both shapes answer the same statements.
    "CREATE TABLE IF NOT EXISTS hub_rows (
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        fields TEXT NOT NULL,
        versions TEXT NOT NULL,
        deleted TEXT,
        origin_device TEXT NOT NULL,
        PRIMARY KEY (entity, entity_id)
    )",
    "CREATE TABLE IF NOT EXISTS hub_changes (
        server_seq INTEGER PRIMARY KEY,
        mutation_id TEXT NOT NULL UNIQUE,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        op TEXT NOT NULL,
        fields TEXT NOT NULL,
        hlc INTEGER NOT NULL,
        device_id TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS hub_outcomes (
        mutation_id TEXT PRIMARY KEY,
        device_id TEXT NOT NULL,
        outcome TEXT NOT NULL,
        code TEXT
    ) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS hub_refusals (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        device_id TEXT NOT NULL,
        mutation_id TEXT NOT NULL,
        code TEXT NOT NULL,
        detail TEXT NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS hub_devices (
        device_id TEXT PRIMARY KEY,
        device_code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        token_hash TEXT NOT NULL,
        enrolled_at TEXT NOT NULL,
        last_seen_at TEXT,
        revoked_at TEXT,
        clock_skew_flagged_at TEXT
    )",
    "CREATE TABLE IF NOT EXISTS hub_enrolment_codes (
        code_hash TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT,
        used_by TEXT
    ) WITHOUT ROWID",
    // Timer segments by technician and start (the overlap check of a new timer segment).
    "CREATE INDEX IF NOT EXISTS hub_rows_timer_by_technician ON hub_rows (
        json_extract(fields, '$.technician_id'), json_extract(fields, '$.started_at')
    ) WHERE entity = 'time_entry'",
    // The technician each device enrolled for (until it pushes the technician's row, the only
    // trace of it): technician codes stay unique across the shop. Added by a later hub: older
    // hubs ignore the table.
    "CREATE TABLE IF NOT EXISTS hub_technician_claims (
        device_id TEXT PRIMARY KEY,
        technician_id TEXT NOT NULL,
        technician_code TEXT NOT NULL
    ) WITHOUT ROWID",
    // Wrong extra-time PINs per ticket (logged as refusals under `extra-time:<ticket id>`).
    "CREATE INDEX IF NOT EXISTS hub_refusals_by_mutation ON hub_refusals (mutation_id, at)",
    // The mail round (`messages_to_send`): only the hub's queued or deferred messages, by id,
    // whatever the number of messages sent before. Its WHERE is the statement's, term for term
    // (the engines match a partial index's terms to the query's). On (entity, entity_id), like
    // the key: on (entity_id) alone SQLite's planner prefers the key, without statistics too.
    "CREATE INDEX IF NOT EXISTS hub_rows_messages_to_send ON hub_rows (entity, entity_id)
        WHERE entity = 'message' AND deleted IS NULL
          AND json_extract(fields, '$.sender') = 'hub'
          AND json_extract(fields, '$.status') IN ('queued', 'deferred')",
    // A message's attachments (`attachments_of`), in id order (with the id in the index,
    // SQLite's planner takes it over the key without statistics).
    "CREATE INDEX IF NOT EXISTS hub_rows_attachments_by_message ON hub_rows (
        json_extract(fields, '$.message_id'), entity_id
    ) WHERE entity = 'message_attachment'",
    // The intake's look-ups inside its write transaction (`crate::intake`, `INTAKE_LOOKUPS`):
    // a request by its idempotency key and by sender (the per-sender rate), a ticket by number,
    // one of our messages by Message-ID, a contact by address. With the id last, for the
    // statements' ORDER BY.
    "CREATE INDEX IF NOT EXISTS hub_rows_request_by_key ON hub_rows (
        json_extract(fields, '$.idempotency_key'), entity_id
    ) WHERE entity = 'incoming_request'",
    "CREATE INDEX IF NOT EXISTS hub_rows_request_by_sender ON hub_rows (
        json_extract(fields, '$.sender_email'), entity_id
    ) WHERE entity = 'incoming_request'",
    "CREATE INDEX IF NOT EXISTS hub_rows_ticket_by_number ON hub_rows (
        json_extract(fields, '$.number'), entity_id
    ) WHERE entity = 'ticket'",
    "CREATE INDEX IF NOT EXISTS hub_rows_message_by_message_id ON hub_rows (
        json_extract(fields, '$.message_id'), entity_id
    ) WHERE entity = 'message'",
    "CREATE INDEX IF NOT EXISTS hub_rows_contact_by_email ON hub_rows (
        json_extract(fields, '$.email'), entity_id
    ) WHERE entity = 'contact'",
    // The content of the attachments the intake kept, by SHA-256 (base64 text on both engines,
    // like every column the backup copies). Not synced: devices fetch it on demand
    // (`GET /v1/attachments/{sha256}`). Added by a later hub: older hubs ignore the table.
    "CREATE TABLE IF NOT EXISTS hub_attachment_content (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        content TEXT NOT NULL
    ) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS hub_rows_attachment_by_hash ON hub_rows (
        json_extract(fields, '$.sha256'), entity_id
    ) WHERE entity = 'incoming_attachment'",
    // The customer's reserved area (`crate::web::portal`): hub-only, never synced. Sign-in
    // links and sessions by the SHA-256 of their secret (hex); times in unix seconds.
    "CREATE TABLE IF NOT EXISTS portal_links (
        token_hash TEXT PRIMARY KEY,
        contact_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER
    ) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS portal_sessions (
        id_hash TEXT PRIMARY KEY,
        contact_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        ended_at INTEGER
    ) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS portal_sessions_by_contact ON portal_sessions (contact_id)",
    "CREATE TABLE IF NOT EXISTS portal_access_log (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        contact_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        ip TEXT NOT NULL,
        action TEXT NOT NULL,
        record_id TEXT
    )",
    // The reserved area's reads of the synced rows: a client's tickets, a ticket's history.
    "CREATE INDEX IF NOT EXISTS hub_rows_ticket_by_client ON hub_rows (
        json_extract(fields, '$.client_id'), entity_id
    ) WHERE entity = 'ticket'",
    "CREATE INDEX IF NOT EXISTS hub_rows_by_ticket ON hub_rows (
        entity, json_extract(fields, '$.ticket_id'), entity_id
    ) WHERE entity IN ('ticket_event', 'incoming_message', 'message', 'incoming_request')",
];

/// The intake's indexed look-ups: (entity, field, index). `HubTx::rows_where` on one of these
/// pairs runs its own statement (`sql.rs`), which the index serves on both engines.
pub const INTAKE_LOOKUPS: &[(&str, &str, &str)] = &[
    (
        "incoming_request",
        "idempotency_key",
        "hub_rows_request_by_key",
    ),
    (
        "incoming_request",
        "sender_email",
        "hub_rows_request_by_sender",
    ),
    ("ticket", "number", "hub_rows_ticket_by_number"),
    ("message", "message_id", "hub_rows_message_by_message_id"),
    ("contact", "email", "hub_rows_contact_by_email"),
    (
        "incoming_attachment",
        "sha256",
        "hub_rows_attachment_by_hash",
    ),
];

/// PostgreSQL, one statement each (run in order inside one transaction).
pub const POSTGRES_SCHEMA: &[&str] = &[
    r#"CREATE TABLE IF NOT EXISTS hub_meta (
        key TEXT COLLATE "C" PRIMARY KEY,
        value TEXT NOT NULL
    )"#,
    r#"CREATE TABLE IF NOT EXISTS hub_rows (
        entity TEXT COLLATE "C" NOT NULL,
        entity_id TEXT COLLATE "C" NOT NULL,
        fields TEXT NOT NULL,
        versions TEXT NOT NULL,
        deleted TEXT,
        origin_device TEXT NOT NULL,
        PRIMARY KEY (entity, entity_id)
    )"#,
    r#"CREATE TABLE IF NOT EXISTS hub_changes (
        server_seq BIGINT PRIMARY KEY,
        mutation_id TEXT COLLATE "C" NOT NULL UNIQUE,
        entity TEXT COLLATE "C" NOT NULL,
        entity_id TEXT COLLATE "C" NOT NULL,
        op TEXT NOT NULL,
        fields TEXT NOT NULL,
        hlc BIGINT NOT NULL,
        device_id TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    )"#,
    r#"CREATE TABLE IF NOT EXISTS hub_outcomes (
        mutation_id TEXT COLLATE "C" PRIMARY KEY,
        device_id TEXT NOT NULL,
        outcome TEXT NOT NULL,
        code TEXT
    )"#,
    r#"CREATE TABLE IF NOT EXISTS hub_refusals (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        at TEXT NOT NULL,
        device_id TEXT NOT NULL,
        mutation_id TEXT NOT NULL,
        code TEXT NOT NULL,
        detail TEXT NOT NULL
    )"#,
    r#"CREATE TABLE IF NOT EXISTS hub_devices (
        device_id TEXT COLLATE "C" PRIMARY KEY,
        device_code TEXT COLLATE "C" NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        token_hash TEXT NOT NULL,
        enrolled_at TEXT NOT NULL,
        last_seen_at TEXT,
        revoked_at TEXT,
        clock_skew_flagged_at TEXT
    )"#,
    r#"CREATE TABLE IF NOT EXISTS hub_enrolment_codes (
        code_hash TEXT COLLATE "C" PRIMARY KEY,
        role TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT,
        used_by TEXT
    )"#,
    // Timer segments by technician and start (the overlap check of a new timer segment).
    r#"CREATE INDEX IF NOT EXISTS hub_rows_timer_by_technician ON hub_rows (
        ((fields::jsonb) ->> 'technician_id'), ((fields::jsonb) ->> 'started_at')
    ) WHERE entity = 'time_entry'"#,
    r#"CREATE TABLE IF NOT EXISTS hub_technician_claims (
        device_id TEXT COLLATE "C" PRIMARY KEY,
        technician_id TEXT NOT NULL,
        technician_code TEXT NOT NULL
    )"#,
    r#"CREATE INDEX IF NOT EXISTS hub_refusals_by_mutation ON hub_refusals (mutation_id, at COLLATE "C")"#,
    r#"CREATE INDEX IF NOT EXISTS hub_rows_messages_to_send ON hub_rows (entity, entity_id)
        WHERE entity = 'message' AND deleted IS NULL
          AND ((fields::jsonb) ->> 'sender') = 'hub'
          AND ((fields::jsonb) ->> 'status') IN ('queued', 'deferred')"#,
    r#"CREATE INDEX IF NOT EXISTS hub_rows_attachments_by_message ON hub_rows (
        ((fields::jsonb) ->> 'message_id'), entity_id
    ) WHERE entity = 'message_attachment'"#,
    r#"CREATE INDEX IF NOT EXISTS hub_rows_request_by_key ON hub_rows (
        ((fields::jsonb) ->> 'idempotency_key'), entity_id
    ) WHERE entity = 'incoming_request'"#,
    r#"CREATE INDEX IF NOT EXISTS hub_rows_request_by_sender ON hub_rows (
        ((fields::jsonb) ->> 'sender_email'), entity_id
    ) WHERE entity = 'incoming_request'"#,
    r#"CREATE INDEX IF NOT EXISTS hub_rows_ticket_by_number ON hub_rows (
        ((fields::jsonb) ->> 'number'), entity_id
    ) WHERE entity = 'ticket'"#,
    r#"CREATE INDEX IF NOT EXISTS hub_rows_message_by_message_id ON hub_rows (
        ((fields::jsonb) ->> 'message_id'), entity_id
    ) WHERE entity = 'message'"#,
    r#"CREATE INDEX IF NOT EXISTS hub_rows_contact_by_email ON hub_rows (
        ((fields::jsonb) ->> 'email'), entity_id
    ) WHERE entity = 'contact'"#,
    r#"CREATE TABLE IF NOT EXISTS hub_attachment_content (
        sha256 TEXT COLLATE "C" PRIMARY KEY,
        size BIGINT NOT NULL,
        content TEXT NOT NULL
    )"#,
    r#"CREATE INDEX IF NOT EXISTS hub_rows_attachment_by_hash ON hub_rows (
        ((fields::jsonb) ->> 'sha256'), entity_id
    ) WHERE entity = 'incoming_attachment'"#,
    r#"CREATE TABLE IF NOT EXISTS portal_links (
        token_hash TEXT COLLATE "C" PRIMARY KEY,
        contact_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        used_at BIGINT
    )"#,
    r#"CREATE TABLE IF NOT EXISTS portal_sessions (
        id_hash TEXT COLLATE "C" PRIMARY KEY,
        contact_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        ended_at BIGINT
    )"#,
    "CREATE INDEX IF NOT EXISTS portal_sessions_by_contact ON portal_sessions (contact_id)",
    r#"CREATE TABLE IF NOT EXISTS portal_access_log (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        at BIGINT NOT NULL,
        contact_id TEXT NOT NULL,
        client_id TEXT NOT NULL,
        ip TEXT NOT NULL,
        action TEXT NOT NULL,
        record_id TEXT
    )"#,
    r#"CREATE INDEX IF NOT EXISTS hub_rows_ticket_by_client ON hub_rows (
        ((fields::jsonb) ->> 'client_id'), entity_id
    ) WHERE entity = 'ticket'"#,
    r#"CREATE INDEX IF NOT EXISTS hub_rows_by_ticket ON hub_rows (
        entity, ((fields::jsonb) ->> 'ticket_id'), entity_id
    ) WHERE entity IN ('ticket_event', 'incoming_message', 'message', 'incoming_request')"#,
];

/// A column's type, for copying rows between the two engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
}

/// A table's name, its columns in order, and its key (for a stable copy order).
pub type Table = (&'static str, &'static [(&'static str, Kind)], &'static str);

/// Every table of the hub.
pub const TABLES: &[Table] = &[
    (
        "hub_meta",
        &[("key", Kind::Text), ("value", Kind::Text)],
        "key",
    ),
    (
        "hub_rows",
        &[
            ("entity", Kind::Text),
            ("entity_id", Kind::Text),
            ("fields", Kind::Text),
            ("versions", Kind::Text),
            ("deleted", Kind::Text),
            ("origin_device", Kind::Text),
        ],
        "entity, entity_id",
    ),
    (
        "hub_changes",
        &[
            ("server_seq", Kind::Int),
            ("mutation_id", Kind::Text),
            ("entity", Kind::Text),
            ("entity_id", Kind::Text),
            ("op", Kind::Text),
            ("fields", Kind::Text),
            ("hlc", Kind::Int),
            ("device_id", Kind::Text),
            ("recorded_at", Kind::Text),
        ],
        "server_seq",
    ),
    (
        "hub_outcomes",
        &[
            ("mutation_id", Kind::Text),
            ("device_id", Kind::Text),
            ("outcome", Kind::Text),
            ("code", Kind::Text),
        ],
        "mutation_id",
    ),
    (
        "hub_refusals",
        &[
            ("id", Kind::Int),
            ("at", Kind::Text),
            ("device_id", Kind::Text),
            ("mutation_id", Kind::Text),
            ("code", Kind::Text),
            ("detail", Kind::Text),
        ],
        "id",
    ),
    (
        "hub_devices",
        &[
            ("device_id", Kind::Text),
            ("device_code", Kind::Text),
            ("name", Kind::Text),
            ("role", Kind::Text),
            ("token_hash", Kind::Text),
            ("enrolled_at", Kind::Text),
            ("last_seen_at", Kind::Text),
            ("revoked_at", Kind::Text),
            ("clock_skew_flagged_at", Kind::Text),
        ],
        "device_id",
    ),
    (
        "hub_enrolment_codes",
        &[
            ("code_hash", Kind::Text),
            ("role", Kind::Text),
            ("created_at", Kind::Text),
            ("expires_at", Kind::Text),
            ("used_at", Kind::Text),
            ("used_by", Kind::Text),
        ],
        "code_hash",
    ),
    (
        "hub_attachment_content",
        &[
            ("sha256", Kind::Text),
            ("size", Kind::Int),
            ("content", Kind::Text),
        ],
        "sha256",
    ),
    (
        "hub_technician_claims",
        &[
            ("device_id", Kind::Text),
            ("technician_id", Kind::Text),
            ("technician_code", Kind::Text),
        ],
        "device_id",
    ),
    (
        "portal_links",
        &[
            ("token_hash", Kind::Text),
            ("contact_id", Kind::Text),
            ("client_id", Kind::Text),
            ("created_at", Kind::Int),
            ("expires_at", Kind::Int),
            ("used_at", Kind::Int),
        ],
        "token_hash",
    ),
    (
        "portal_sessions",
        &[
            ("id_hash", Kind::Text),
            ("contact_id", Kind::Text),
            ("client_id", Kind::Text),
            ("created_at", Kind::Int),
            ("last_seen_at", Kind::Int),
            ("expires_at", Kind::Int),
            ("ended_at", Kind::Int),
        ],
        "id_hash",
    ),
    (
        "portal_access_log",
        &[
            ("id", Kind::Int),
            ("at", Kind::Int),
            ("contact_id", Kind::Text),
            ("client_id", Kind::Text),
            ("ip", Kind::Text),
            ("action", Kind::Text),
            ("record_id", Kind::Text),
        ],
        "id",
    ),
];
