-- Rapportino schema, version 1. Append-only: never edit a migration that has shipped; add a new one.
--
-- Conventions
--   * Synced tables have a UUIDv7 `id TEXT PRIMARY KEY` made on the device. The three searchable
--     tables (clients, tickets, interventions) also carry `rid INTEGER PRIMARY KEY`: a local storage
--     key that the FTS5 index points at; it is never synced nor referenced by another table.
--   * Instants are UTC RFC 3339 text, seconds precision (`2026-11-22T09:30:00Z`).
--   * Money is integer cents; durations are integer seconds.
--   * Tables marked LOCAL are this device's own bookkeeping and are never synced.

-- LOCAL: this device's identity, its hybrid logical clock, the technician using it.
CREATE TABLE local_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- LOCAL: per-device counters for human numbers (T-2026-MR-0017). Bumped in the same transaction
-- as the insert that uses the number.
CREATE TABLE number_sequences (
    scope TEXT    NOT NULL,  -- 'T' tickets; 'RI' reports (later)
    year  INTEGER NOT NULL,
    next  INTEGER NOT NULL,
    PRIMARY KEY (scope, year)
) STRICT;

-- LOCAL: the outbox of every mutation, in commit order. Sync pushes it and removes rows only
-- after the hub acknowledges them.
CREATE TABLE change_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id  TEXT    NOT NULL UNIQUE,
    entity       TEXT    NOT NULL,
    entity_id    TEXT    NOT NULL,
    op           TEXT    NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    fields       TEXT    NOT NULL,          -- JSON object: column -> new value
    hlc          INTEGER NOT NULL,
    device_id    TEXT    NOT NULL,
    recorded_at  TEXT    NOT NULL
) STRICT;

-- Shop settings (name, address, P.IVA, severity labels...), one JSON value per key.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE technicians (
    id         TEXT PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    email      TEXT,
    phone      TEXT,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

-- Every device that has issued numbers, with its code. Codes are unique so that two devices
-- working offline at once can never issue the same ticket or report number.
CREATE TABLE devices (
    id            TEXT PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    technician_id TEXT REFERENCES technicians (id),
    name          TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE clients (
    rid            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    vat_number     TEXT,
    fiscal_code    TEXT,
    street         TEXT,
    postcode       TEXT,
    city           TEXT,
    province       TEXT,
    email          TEXT,
    pec            TEXT,
    phone          TEXT,
    notes          TEXT,
    customer_class TEXT NOT NULL DEFAULT 'none',
    archived       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX clients_name ON clients (name COLLATE NOCASE);
CREATE INDEX clients_vat ON clients (vat_number);

CREATE TABLE sites (
    id         TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL REFERENCES clients (id),
    name       TEXT NOT NULL,
    street     TEXT,
    postcode   TEXT,
    city       TEXT,
    province   TEXT,
    notes      TEXT,
    archived   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX sites_client ON sites (client_id);

CREATE TABLE contacts (
    id         TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL REFERENCES clients (id),
    name       TEXT NOT NULL,
    role       TEXT,
    email      TEXT,
    phone      TEXT,
    -- May open requests for the client (an e-mail from this address becomes a ticket).
    authorised INTEGER NOT NULL DEFAULT 0,
    notes      TEXT,
    archived   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX contacts_client ON contacts (client_id);
CREATE INDEX contacts_email ON contacts (email);

CREATE TABLE tickets (
    rid                     INTEGER PRIMARY KEY,
    id                      TEXT NOT NULL UNIQUE,
    number                  TEXT NOT NULL UNIQUE,
    client_id               TEXT NOT NULL REFERENCES clients (id),
    contact_id              TEXT REFERENCES contacts (id),
    site_id                 TEXT REFERENCES sites (id),
    origin                  TEXT NOT NULL CHECK (origin IN ('phone', 'email', 'web_form', 'monitoring', 'chat', 'on_site', 'other')),
    severity                TEXT NOT NULL CHECK (severity IN ('blocking', 'degraded', 'request')),
    urgent                  INTEGER NOT NULL DEFAULT 0,
    category                TEXT,
    is_bug                  INTEGER NOT NULL DEFAULT 0,
    title                   TEXT NOT NULL,
    description             TEXT,
    status                  TEXT NOT NULL CHECK (status IN ('new', 'taken', 'in_progress', 'waiting_client', 'resolved', 'closed', 'cancelled')),
    reported_at             TEXT NOT NULL,
    opened_at               TEXT NOT NULL,
    taken_at                TEXT,
    resolved_at             TEXT,
    closed_at               TEXT,
    cancelled_at            TEXT,
    estimated_resolution_at TEXT,
    assigned_technician_id  TEXT REFERENCES technicians (id),
    created_at              TEXT NOT NULL,
    updated_at              TEXT NOT NULL,
    -- The number as one search token (T2026MR0017): a lookup by number stays a single index probe
    -- instead of a phrase over tokens ("t", "2026") that every ticket shares.
    number_key              TEXT GENERATED ALWAYS AS (replace(number, '-', '')) VIRTUAL
) STRICT;
CREATE INDEX tickets_client ON tickets (client_id, opened_at);
CREATE INDEX tickets_status ON tickets (status, opened_at);
CREATE INDEX tickets_assigned ON tickets (assigned_technician_id, status);
CREATE INDEX tickets_opened ON tickets (opened_at);

-- Append-only history of status moves (the SLA clocks read it to pause while waiting for the client).
CREATE TABLE ticket_events (
    id            TEXT PRIMARY KEY,
    ticket_id     TEXT NOT NULL REFERENCES tickets (id),
    from_status   TEXT,
    to_status     TEXT NOT NULL,
    at            TEXT NOT NULL,
    technician_id TEXT REFERENCES technicians (id),
    note          TEXT
) STRICT;
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, at);

CREATE TABLE interventions (
    rid               INTEGER PRIMARY KEY,
    id                TEXT NOT NULL UNIQUE,
    ticket_id         TEXT NOT NULL REFERENCES tickets (id),
    client_id         TEXT NOT NULL REFERENCES clients (id),
    site_id           TEXT REFERENCES sites (id),
    mode              TEXT NOT NULL CHECK (mode IN ('on_site', 'remote')),
    technician_id     TEXT NOT NULL REFERENCES technicians (id),
    work_done         TEXT,
    outcome           TEXT CHECK (outcome IN ('resolved', 'follow_up', 'out_of_contract')),
    outcome_reason    TEXT,
    escalated_from_id TEXT REFERENCES interventions (id),
    travel_km         REAL NOT NULL DEFAULT 0,
    travel_minutes    INTEGER NOT NULL DEFAULT 0,
    started_at        TEXT,
    finished_at       TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX interventions_client ON interventions (client_id, created_at);
CREATE INDEX interventions_ticket ON interventions (ticket_id);
CREATE INDEX interventions_technician ON interventions (technician_id, created_at);

CREATE TABLE materials (
    id               TEXT PRIMARY KEY,
    intervention_id  TEXT NOT NULL REFERENCES interventions (id),
    description      TEXT NOT NULL,
    quantity         REAL NOT NULL,
    unit_price_cents INTEGER NOT NULL,
    created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX materials_intervention ON materials (intervention_id);

-- Append-only time. A 'timer' row is written when the timer starts and closed (ended_at, seconds)
-- when it stops; that closing is the only change a row ever gets. Corrections are new rows:
-- 'manual' (work logged by hand), 'adjustment' (signed seconds), 'void' (cancels corrects_id),
-- 'approval' (accepts an entry flagged for review).
CREATE TABLE time_entries (
    id              TEXT PRIMARY KEY,
    intervention_id TEXT NOT NULL REFERENCES interventions (id),
    technician_id   TEXT NOT NULL REFERENCES technicians (id),
    kind            TEXT NOT NULL CHECK (kind IN ('timer', 'manual', 'adjustment', 'void', 'approval')),
    started_at      TEXT NOT NULL,
    ended_at        TEXT,
    seconds         INTEGER,
    corrects_id     TEXT REFERENCES time_entries (id),
    note            TEXT,
    needs_review    INTEGER NOT NULL DEFAULT 0,
    device_id       TEXT NOT NULL,
    created_at      TEXT NOT NULL
) STRICT;
CREATE INDEX time_entries_intervention ON time_entries (intervention_id, started_at);
CREATE INDEX time_entries_corrects ON time_entries (corrects_id);
-- At most one running timer per technician, enforced by the database itself.
CREATE UNIQUE INDEX time_entries_one_running
    ON time_entries (technician_id) WHERE kind = 'timer' AND ended_at IS NULL;

-- Full-text search (FTS5, external content, kept in step by triggers).
CREATE VIRTUAL TABLE clients_fts USING fts5 (
    name, vat_number, fiscal_code, city, email, notes,
    content = 'clients', content_rowid = 'rid',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER clients_fts_ai AFTER INSERT ON clients BEGIN
    INSERT INTO clients_fts (rowid, name, vat_number, fiscal_code, city, email, notes)
    VALUES (new.rid, new.name, new.vat_number, new.fiscal_code, new.city, new.email, new.notes);
END;
CREATE TRIGGER clients_fts_ad AFTER DELETE ON clients BEGIN
    INSERT INTO clients_fts (clients_fts, rowid, name, vat_number, fiscal_code, city, email, notes)
    VALUES ('delete', old.rid, old.name, old.vat_number, old.fiscal_code, old.city, old.email, old.notes);
END;
CREATE TRIGGER clients_fts_au AFTER UPDATE OF name, vat_number, fiscal_code, city, email, notes ON clients BEGIN
    INSERT INTO clients_fts (clients_fts, rowid, name, vat_number, fiscal_code, city, email, notes)
    VALUES ('delete', old.rid, old.name, old.vat_number, old.fiscal_code, old.city, old.email, old.notes);
    INSERT INTO clients_fts (rowid, name, vat_number, fiscal_code, city, email, notes)
    VALUES (new.rid, new.name, new.vat_number, new.fiscal_code, new.city, new.email, new.notes);
END;

CREATE VIRTUAL TABLE tickets_fts USING fts5 (
    number_key, number, title, description, category,
    content = 'tickets', content_rowid = 'rid',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER tickets_fts_ai AFTER INSERT ON tickets BEGIN
    INSERT INTO tickets_fts (rowid, number_key, number, title, description, category)
    VALUES (new.rid, new.number_key, new.number, new.title, new.description, new.category);
END;
CREATE TRIGGER tickets_fts_ad AFTER DELETE ON tickets BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, number_key, number, title, description, category)
    VALUES ('delete', old.rid, old.number_key, old.number, old.title, old.description, old.category);
END;
CREATE TRIGGER tickets_fts_au AFTER UPDATE OF number, title, description, category ON tickets BEGIN
    INSERT INTO tickets_fts (tickets_fts, rowid, number_key, number, title, description, category)
    VALUES ('delete', old.rid, old.number_key, old.number, old.title, old.description, old.category);
    INSERT INTO tickets_fts (rowid, number_key, number, title, description, category)
    VALUES (new.rid, new.number_key, new.number, new.title, new.description, new.category);
END;

CREATE VIRTUAL TABLE interventions_fts USING fts5 (
    work_done, outcome_reason,
    content = 'interventions', content_rowid = 'rid',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
);
CREATE TRIGGER interventions_fts_ai AFTER INSERT ON interventions BEGIN
    INSERT INTO interventions_fts (rowid, work_done, outcome_reason)
    VALUES (new.rid, new.work_done, new.outcome_reason);
END;
CREATE TRIGGER interventions_fts_ad AFTER DELETE ON interventions BEGIN
    INSERT INTO interventions_fts (interventions_fts, rowid, work_done, outcome_reason)
    VALUES ('delete', old.rid, old.work_done, old.outcome_reason);
END;
CREATE TRIGGER interventions_fts_au AFTER UPDATE OF work_done, outcome_reason ON interventions BEGIN
    INSERT INTO interventions_fts (interventions_fts, rowid, work_done, outcome_reason)
    VALUES ('delete', old.rid, old.work_done, old.outcome_reason);
    INSERT INTO interventions_fts (rowid, work_done, outcome_reason)
    VALUES (new.rid, new.work_done, new.outcome_reason);
END;

-- Ranking: a match in a name or number weighs more than one in free text.
INSERT INTO clients_fts (clients_fts, rank) VALUES ('rank', 'bm25(10.0, 8.0, 8.0, 3.0, 3.0, 1.0)');
INSERT INTO tickets_fts (tickets_fts, rank) VALUES ('rank', 'bm25(10.0, 10.0, 5.0, 1.0, 2.0)');
INSERT INTO interventions_fts (interventions_fts, rank) VALUES ('rank', 'bm25(1.0, 1.0)');
