-- Waiting for a third party (issue 17): a status beside waiting for the client, pausing the SLA
-- clocks, with the party named on the ticket (kind and name, set in that state, cleared when the
-- ticket leaves it) and on the status event that records the move.
--
-- The tickets table's CHECK on status lists the statuses: SQLite cannot alter a CHECK, so the
-- table is rebuilt. The rows keep their `rid` (the full-text index's rowid) and `id` (every
-- reference), so tickets_fts stays valid as it is; the foreign keys of the rows that reference
-- tickets are checked at commit (deferred), once the rows are back. Every index and trigger on
-- tickets (0001, 0002, 0003, 0007, 0014, 0017, 0018) is created again, the triggers after the copy so
-- it does not index the rows twice.
PRAGMA defer_foreign_keys = ON;

CREATE TEMP TABLE tickets_0019 AS
SELECT rid, id, number, client_id, contact_id, site_id, origin, severity, urgent, category, is_bug,
       title, description, status, reported_at, opened_at, taken_at, resolved_at, closed_at,
       cancelled_at, estimated_resolution_at, assigned_technician_id, created_at, updated_at,
       contract_id, extra_time, priority_requested, out_of_scope, service, extra_time_grant
FROM tickets;

DROP TABLE tickets;

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
    status                  TEXT NOT NULL CHECK (status IN ('new', 'taken', 'in_progress', 'waiting_client', 'waiting_third_party', 'resolved', 'closed', 'cancelled')),
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
    number_key              TEXT GENERATED ALWAYS AS (replace(number, '-', '')) VIRTUAL,
    contract_id             TEXT REFERENCES contracts (id),
    extra_time              INTEGER NOT NULL DEFAULT 0,
    priority_requested      INTEGER NOT NULL DEFAULT 0,
    out_of_scope            INTEGER NOT NULL DEFAULT 0,
    service                 TEXT,
    extra_time_grant        TEXT,
    -- Waiting for a third party: who (the kind from the model's vocabulary, a name).
    waiting_party_kind      TEXT CHECK (waiting_party_kind IN ('carrier', 'vendor', 'provider', 'other')),
    waiting_party_name      TEXT
) STRICT;

INSERT INTO tickets (rid, id, number, client_id, contact_id, site_id, origin, severity, urgent,
       category, is_bug, title, description, status, reported_at, opened_at, taken_at,
       resolved_at, closed_at, cancelled_at, estimated_resolution_at, assigned_technician_id,
       created_at, updated_at, contract_id, extra_time, priority_requested, out_of_scope, service,
       extra_time_grant)
SELECT rid, id, number, client_id, contact_id, site_id, origin, severity, urgent, category, is_bug,
       title, description, status, reported_at, opened_at, taken_at, resolved_at, closed_at,
       cancelled_at, estimated_resolution_at, assigned_technician_id, created_at, updated_at,
       contract_id, extra_time, priority_requested, out_of_scope, service, extra_time_grant
FROM temp.tickets_0019;
DROP TABLE temp.tickets_0019;

CREATE INDEX tickets_client ON tickets (client_id, opened_at);
CREATE INDEX tickets_status ON tickets (status, opened_at);
CREATE INDEX tickets_assigned ON tickets (assigned_technician_id, status);
CREATE INDEX tickets_opened ON tickets (opened_at, id);
CREATE INDEX tickets_client_closed ON tickets (client_id, closed_at);
-- The open tickets' partial index (0007): its WHERE is the list's, word for word
-- (`TicketStatus::OPEN_SQL`).
CREATE INDEX tickets_open_opened ON tickets (opened_at, id)
    WHERE status IN ('new', 'taken', 'in_progress', 'waiting_client', 'waiting_third_party');

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
CREATE TRIGGER ledger_cp_ticket_au AFTER UPDATE OF status, closed_at, is_bug, contract_id, extra_time, site_id, reported_at, client_id ON tickets BEGIN
    DELETE FROM ledger_checkpoints
    WHERE client_id IN (old.client_id, new.client_id)
      AND day > date(min(old.reported_at, new.reported_at, old.opened_at,
                         COALESCE(old.closed_at, new.closed_at, new.opened_at),
                         COALESCE((SELECT min(COALESCE(started_at, created_at)) FROM interventions WHERE ticket_id = new.id), new.opened_at)), '-1 day');
END;
CREATE TRIGGER ledger_cp_ticket_scope_au AFTER UPDATE OF out_of_scope ON tickets BEGIN
    DELETE FROM ledger_checkpoints
    WHERE client_id IN (old.client_id, new.client_id)
      AND day > date(min(old.reported_at, new.reported_at, old.opened_at,
                         COALESCE(old.closed_at, new.closed_at, new.opened_at),
                         COALESCE((SELECT min(COALESCE(started_at, created_at)) FROM interventions WHERE ticket_id = new.id), new.opened_at)), '-1 day');
END;
CREATE TRIGGER ledger_cp_ticket_origin_au AFTER UPDATE OF origin ON tickets BEGIN
    DELETE FROM ledger_checkpoints
    WHERE client_id IN (old.client_id, new.client_id)
      AND day > date(min(old.reported_at, new.reported_at, old.opened_at,
                         COALESCE(old.closed_at, new.closed_at, new.opened_at),
                         COALESCE((SELECT min(COALESCE(started_at, created_at)) FROM interventions WHERE ticket_id = new.id), new.opened_at)), '-1 day');
END;

CREATE TRIGGER ledger_cp_ticket_severity_au AFTER UPDATE OF severity ON tickets BEGIN
    DELETE FROM ledger_checkpoints
    WHERE client_id IN (old.client_id, new.client_id)
      AND day > date(min(old.reported_at, new.reported_at, old.opened_at,
                         COALESCE(old.closed_at, new.closed_at, new.opened_at),
                         COALESCE((SELECT min(COALESCE(started_at, created_at)) FROM interventions WHERE ticket_id = new.id), new.opened_at)), '-1 day');
END;

ALTER TABLE ticket_events ADD COLUMN waiting_party_kind TEXT
    CHECK (waiting_party_kind IN ('carrier', 'vendor', 'provider', 'other'));
ALTER TABLE ticket_events ADD COLUMN waiting_party_name TEXT;
