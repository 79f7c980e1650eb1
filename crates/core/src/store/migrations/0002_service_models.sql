-- Rapportino schema, version 2: the service models (coverage calendars, customer classes,
-- contracts) and what tickets and interventions need to be governed and billed by them.
-- Balances, SLA due times and allocations are derived from these facts: there is no counter here.

-- Coverage calendars: weekly windows in a time zone, Italian national holidays (closed unless
-- `open_on_holidays`), extra closed or open dates.
CREATE TABLE calendars (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    time_zone        TEXT NOT NULL,
    -- JSON array of {"weekday": 1..7 (Monday = 1), "start": "08:30", "end": "12:30"}; "24:00" ends a day.
    windows          TEXT NOT NULL,
    open_on_holidays INTEGER NOT NULL DEFAULT 0,
    -- JSON array of {"date": "2026-12-07" | "12-07" (every year), "open": bool, "start"?, "end"?, "note"?}.
    exceptions       TEXT NOT NULL DEFAULT '[]',
    -- The preset it was made from ('5x8', '7x8', '24x7', 'desk'), informative only.
    preset           TEXT,
    archived         INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;

-- Customer classes and their entitlement matrix. `clients.customer_class` holds the code.
CREATE TABLE customer_classes (
    id                    TEXT PRIMARY KEY,
    code                  TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    channels              TEXT NOT NULL DEFAULT '[]',  -- JSON array of channels (ticket origins, 'forum')
    services              TEXT NOT NULL DEFAULT '[]',  -- JSON array of service codes
    free_minutes_per_year INTEGER NOT NULL DEFAULT 0,  -- default for the class's free-hours contracts
    priority              INTEGER NOT NULL DEFAULT 0,
    archived              INTEGER NOT NULL DEFAULT 0,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
) STRICT;

-- Contracts of every kind, one row each. Dates are local calendar dates, both ends included.
CREATE TABLE contracts (
    id                            TEXT PRIMARY KEY,
    client_id                     TEXT NOT NULL REFERENCES clients (id),
    kind                          TEXT NOT NULL CHECK (kind IN ('sla', 'hour_package', 'incident_pack', 'free_hours', 'time_materials')),
    name                          TEXT NOT NULL,
    starts_on                     TEXT NOT NULL,
    ends_on                       TEXT NOT NULL,
    calendar_id                   TEXT REFERENCES calendars (id),
    -- SLA targets in business minutes, per severity (NULL: no target).
    response_blocking_minutes     INTEGER,
    response_degraded_minutes     INTEGER,
    response_request_minutes      INTEGER,
    intervention_blocking_minutes INTEGER,
    intervention_degraded_minutes INTEGER,
    intervention_request_minutes  INTEGER,
    -- SLA and free hours: per contract year; hour package: the whole package.
    included_minutes              INTEGER,
    package_mode                  TEXT CHECK (package_mode IN ('on_site', 'remote', 'any')),
    incident_tickets              INTEGER,
    customer_class                TEXT,
    channels                      TEXT NOT NULL DEFAULT '[]',
    services                      TEXT NOT NULL DEFAULT '[]',
    extra_time_allowed            INTEGER NOT NULL DEFAULT 0,
    extra_time_pin_hash           TEXT,
    extra_time_multiplier_pct     INTEGER NOT NULL DEFAULT 100,
    overage_rate_cents            INTEGER,
    rate_on_site_cents            INTEGER,
    rate_remote_cents             INTEGER,
    rate_extra_cents              INTEGER,
    callout_fee_cents             INTEGER,
    km_rate_cents                 INTEGER,
    rounding_minutes              INTEGER NOT NULL DEFAULT 1,
    minimum_minutes               INTEGER NOT NULL DEFAULT 0,
    notes                         TEXT,
    archived                      INTEGER NOT NULL DEFAULT 0,
    created_at                    TEXT NOT NULL,
    updated_at                    TEXT NOT NULL
) STRICT;
CREATE INDEX contracts_client ON contracts (client_id, starts_on);

-- The local patron saint's day ('12-07'), closed in every calendar that does not cover holidays.
ALTER TABLE clients ADD COLUMN patron_day TEXT;
ALTER TABLE sites ADD COLUMN patron_day TEXT;

-- Tickets: the governing contract when chosen by hand (NULL: the documented automatic rule),
-- opened under extra time (PIN checked), prioritised on the client's demand (billable extra),
-- out of scope (quote required), the service asked for.
ALTER TABLE tickets ADD COLUMN contract_id TEXT REFERENCES contracts (id);
ALTER TABLE tickets ADD COLUMN extra_time INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN priority_requested INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN out_of_scope INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN service TEXT;
CREATE INDEX tickets_client_closed ON tickets (client_id, closed_at);

-- Interventions: the contract or package that must pay, when chosen by hand.
ALTER TABLE interventions ADD COLUMN contract_id TEXT REFERENCES contracts (id);
CREATE INDEX interventions_client_started ON interventions (client_id, started_at);
