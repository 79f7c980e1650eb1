-- Contract templates ("modelli di contratto"): a contract's terms without a client or dates, and a
-- duration in months instead of an end date. The columns mirror `contracts` one for one, so the
-- contract validation produces them and sync merges them field by field like a contract's. No PIN:
-- an extra-time PIN is a secret of each contract, typed when the contract is made.
CREATE TABLE contract_templates (
    id                            TEXT PRIMARY KEY,
    name                          TEXT NOT NULL,
    kind                          TEXT NOT NULL CHECK (kind IN ('sla', 'hour_package', 'incident_pack', 'free_hours', 'time_materials')),
    duration_months               INTEGER NOT NULL CHECK (duration_months BETWEEN 1 AND 120),
    calendar_id                   TEXT REFERENCES calendars (id),
    response_blocking_minutes     INTEGER,
    response_degraded_minutes     INTEGER,
    response_request_minutes      INTEGER,
    intervention_blocking_minutes INTEGER,
    intervention_degraded_minutes INTEGER,
    intervention_request_minutes  INTEGER,
    included_minutes              INTEGER,
    package_mode                  TEXT CHECK (package_mode IN ('on_site', 'remote', 'any')),
    incident_tickets              INTEGER,
    customer_class                TEXT,
    channels                      TEXT NOT NULL DEFAULT '[]',
    services                      TEXT NOT NULL DEFAULT '[]',
    extra_time_allowed            INTEGER NOT NULL DEFAULT 0,
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
